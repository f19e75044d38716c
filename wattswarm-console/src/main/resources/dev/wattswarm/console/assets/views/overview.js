'use strict';
/* Overview: this node, its network and peers, substrate health, what the node refused and counted
   against whom (the defense counters of GET /v1/node), and the most recent tasks. */
(() => {
  const { h, api, kv, card, table, badge, link, shortNode, duration, time } = WS;

  /**
   * Substrate health as connectivity: local (no network), isolated (no peer), connected; beside
   * it how often the substrate had to defend itself, which is information, not a failure.
   */
  function health(node) {
    if (node.peers === undefined) return ['local', 'no network: this node is a swarm of one (mode ' + node.mode + ')'];
    const sub = (node.defense && node.defense.substrate) || {};
    const actions = Object.values(sub).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
    const defended = actions ? '; the substrate took ' + actions + ' defensive action(s), see below' : '';
    if (node.peers === 0) return ['isolated', 'connected to no peer' + defended];
    return ['connected', node.peers + ' peer(s)' + defended];
  }

  /** Every counter of the defense object as rows "group / name = value", non-zero ones marked. */
  function counters(defense) {
    const rows = [];
    const walk = (prefix, o) => {
      for (const [k, v] of Object.entries(o || {})) {
        if (v !== null && typeof v === 'object') walk(prefix ? prefix + ' / ' + k : k, v);
        else rows.push({ group: prefix, name: k, value: v });
      }
    };
    walk('', defense);
    return rows;
  }

  WS.view({
    id: 'overview',
    title: 'Overview',
    async render(root, arg, ctx) {
      const nodeBox = h('div');
      const netBox = h('div');
      const healthBox = h('div');
      const peers = table([['node', (p) => shortNode(p.node_id)], ['address', (p) => p.address], ['status', (p) => badge(p.status)]], [],
        { empty: 'no peers', key: (p) => p.node_id });
      const defense = table([['layer', (r) => r.group], ['counter', (r) => r.name],
        ['value', (r) => h('span', { class: 'nonzero' }, String(r.value))]], [], { empty: 'nothing refused, dropped or counted against a peer' });
      const zeros = h('p', { class: 'dim' });
      const tasks = table([
        ['task', (t) => link(t.task_id, 'tasks', t.task_id)], ['state', (t) => badge(t.state)], ['profile', (t) => t.profile],
        ['executor', (t) => (t.executor ? shortNode(t.executor) : '')], ['updated', (t) => time(t.updated_at_ms)]], [],
        { empty: 'no tasks yet', key: (t) => t.task_id });
      root.append(h('h2', {}, 'Overview'),
        h('div', { class: 'grid' }, card('Node', nodeBox), card('Network', netBox), card('Substrate health', healthBox)),
        h('div', { class: 'grid' }, card('Recent tasks', tasks), card('Peers', peers)),
        h('div', { class: 'card' }, h('h3', {}, 'Defense counters'), defense, zeros));

      async function refresh() {
        const [node, ps, ts] = await Promise.all([api('/v1/node'), api('/v1/peers'), api('/v1/tasks?limit=200')]);
        nodeBox.replaceChildren(kv([['node id', h('span', { class: 'mono' }, node.node_id)], ['network', node.network_id],
          ['mode', node.mode], ['version', node.version], ['uptime', duration(node.uptime_ms)], ['storage', node.storage],
          ['events in log', String(node.events)], ['pid', String(node.pid)]]));
        netBox.replaceChildren(kv([['p2p address', node.p2p_addr || '(none)'], ['scopes', (node.scopes || []).join(', ') || '(local only)'],
          ['peers', String(node.peers ?? 0)], ['gossip received', node.gossip_received], ['backfilled', node.backfilled],
          ['refused events', node.refused_events], ['rejected peers', node.rejected_peers], ['late replies', node.late_replies]]));
        const [state, why] = health(node);
        healthBox.replaceChildren(h('p', {}, badge(state), ' ', why),
          kv(Object.entries((node.defense && node.defense.sync) || {}).map(([k, v]) => ['sync ' + k, String(v)])));
        peers.fill(ps.peers || []);
        const all = counters(node.defense);
        const hot = all.filter((r) => r.value);
        defense.fill(hot.sort((a, b) => b.value - a.value));
        zeros.textContent = (all.length - hot.length) + ' other counters at 0: ' + all.filter((r) => !r.value).map((r) => r.name).join(', ');
        const recent = (ts.tasks || []).slice().sort((a, b) => (b.updated_at_ms || 0) - (a.updated_at_ms || 0)).slice(0, 12);
        tasks.fill(recent);
      }
      const later = ctx.follow(() => true, refresh, 1000);
      ctx.every(5000, () => later());
      await refresh();
    },
  });
})();
