'use strict';
/* Balances: the accounts this node has to do with (itself, its local agents, the treasury, and
   every account its recent ledger ops name), each as /v1/watt/balance reports it; the supply and
   whether it is conserved; and this node's recent ledger ops. The ledger's watt.* events refresh
   it; #/balances/<account> shows that account's ops instead of this node's. */
(() => {
  const { h, api, table, shortNode, card, kv, link } = WS;
  const SHOWN = 50;
  const ACCOUNT = /^[A-Za-z0-9:_-]{1,160}$/;

  WS.view({
    id: 'balances',
    title: 'Balances',
    async render(root, arg, ctx) {
      const node = await api('/v1/node');
      const focus = arg || node.node_id;
      const supplyBox = h('div');
      const accounts = table([
        ['account', (a) => link(a.label, 'balances', a.account)], ['balance', (a) => h('span', { class: 'mono', 'data-account': a.account }, String(a.balance))],
        ['escrowed', (a) => String(a.escrowed ?? 0)], ['pending', (a) => String(a.pending ?? 0)]],
      [], { key: (a) => a.account, empty: 'no accounts yet' });
      const ops = table([
        ['op', (r) => r.op], ['amount', (r) => (r.amount == null ? '' : String(r.amount))], ['to', (r) => (r.to ? shortNode(r.to) : '')],
        ['from', (r) => (r.from ? shortNode(r.from) : '')], ['mission', (r) => (r.mission ? link(r.mission, 'missions', r.mission) : '')],
        ['result', (r) => r.result], ['event', (r) => h('span', { class: 'mono dim', title: r.event }, WS.short(r.event, 10))]],
      [], { empty: 'no ledger ops yet' });
      root.append(h('h2', {}, 'Balances'), h('div', { class: 'grid' }, card('Supply', supplyBox)),
        h('h3', {}, 'Accounts'), accounts, h('h3', {}, 'Recent ledger ops of ', shortNode(focus)), ops);

      async function refresh() {
        const [supply, history, agents] = await Promise.all([api('/v1/watt/supply'),
          api('/v1/watt/history?limit=2000&account=' + encodeURIComponent(focus)), api('/v1/agents').catch(() => ({ agents: [] }))]);
        supplyBox.replaceChildren(kv([['supply', String(supply.supply)], ['in balances', String(supply.sum_of_balances)],
          ['escrowed', String(supply.escrowed)], ['in flight', String(supply.in_flight)],
          ['conserved', supply.conserved ? 'yes' : 'NO'], ['fee', (supply.fee_bps / 100) + ' %']]));
        // the chain comes oldest first: show the newest SHOWN ops, newest on top
        const rows = (history.history || []).slice(-SHOWN).reverse();
        ops.fill(rows);
        const labels = new Map([[node.node_id, 'this node'], ['treasury', 'treasury']]);
        for (const a of agents.agents || []) if (a.node_id === node.node_id && a.agent_id) labels.set(a.agent_id, 'agent ' + a.name);
        for (const r of rows) for (const x of [r.to, r.from]) if (x && !labels.has(x)) labels.set(x, WS.short(x));
        if (!labels.has(focus)) labels.set(focus, WS.short(focus));
        const all = await Promise.all([...labels].filter(([a]) => ACCOUNT.test(a)).map(([a, label]) =>
          api('/v1/watt/balance/' + encodeURIComponent(a)).then((b) => Object.assign(b, { label }), () => null)));
        accounts.fill(all.filter(Boolean));
      }
      await refresh();
      ctx.follow((e) => e.type.startsWith('watt.'), refresh, 300);
    },
  });
})();
