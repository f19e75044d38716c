'use strict';
/* Agents: every agent this node knows (local and remote) with its load, and the decisions agents
   and executors left in the log: workflow steps they answered, tasks they claimed, candidates
   they proposed, verdicts and votes. #/agents/<name or id> narrows the decisions to one agent. */
(() => {
  const { h, api, table, badge, link, shortNode, time, preview } = WS;
  const DECISIONS = ['workflow.step_done', 'workflow.step_failed', 'task.claimed', 'task.candidate_proposed',
    'task.verifier_result', 'task.vote_revealed', 'task.decision_committed'];
  const KEEP = 300;

  function load(a) {
    const cap = Math.max(1, a.capacity || 1);
    const pct = Math.min(100, Math.round((100 * (a.load || 0)) / cap));
    return h('span', {}, h('span', { class: 'bar' + (pct >= 75 ? ' hot' : '') }, h('i', { style: null, 'data-pct': pct })),
      (a.load || 0) + ' / ' + cap);
  }

  /** Who decided, as the event tells it: the answering agent, the executor, or the signing node. */
  function who(e) {
    const p = e.payload || {};
    const r = p.result || {};
    return r.agent_name ? r.agent_name + ' (' + WS.short(r.agent_id, 10) + ')' : shortNode(p.executor || p.voter || p.verifier || e.author);
  }

  function subject(e) {
    const p = e.payload || {};
    if (p.workflow_id) return link('workflow ' + p.workflow_id, 'workflows', p.workflow_id);
    if (e.task_id) return link('task ' + e.task_id, 'tasks', e.task_id);
    return '';
  }

  function what(e) {
    const p = e.payload || {};
    if (p.result && p.result.reply !== undefined) return preview(p.result.reply, 140);
    if (p.error) return 'failed: ' + preview(p.error, 140);
    const rest = Object.assign({}, p);
    delete rest.executor;
    return preview(rest, 140);
  }

  WS.view({
    id: 'agents',
    title: 'Agents',
    async render(root, arg, ctx) {
      const focus = arg || '';
      const agents = table([
        ['agent', (a) => link(a.name, 'agents', a.agent_id)], ['role', (a) => a.role], ['capabilities', (a) => (a.capabilities || []).join(', ')],
        ['node', (a) => shortNode(a.node_id)], ['where', (a) => a.location], ['status', (a) => badge(a.status)], ['load', load]],
      [], { key: (a) => a.agent_id, empty: 'no agents known' });
      const decisions = table([['#', (e) => String(e.position)], ['time', (e) => time(e.created_at_ms)],
        ['who', (e) => h('span', { class: 'mono' }, who(e))], ['decision', (e) => e.type.replace(/^[a-z]+\./, '')],
        ['on', subject], ['what', (e) => h('span', { class: 'dim mono' }, what(e))]],
      [], { key: (e) => String(e.position), empty: 'no decisions yet' });
      let agent = { agent_id: focus, name: focus };
      // one agent's decisions: replies it signed as that agent, or facts whose actor field names it
      const mine = (e) => {
        if (!focus) return true;
        const p = e.payload || {};
        const r = p.result || {};
        if (r.agent_id) return r.agent_id === agent.agent_id;
        return [p.executor, p.voter, p.verifier].some((x) => x && (x === agent.agent_id || x === agent.node_id + '/' + agent.name));
      };
      const whose = h('span', {}, focus ? 'Decisions of ' + WS.short(focus) + ' ' : 'Decisions ');
      root.append(h('h2', {}, 'Agents'), agents, h('h3', {}, whose, focus ? link('(all agents)', 'agents') : null), decisions);

      async function refreshAgents() {
        const r = await api('/v1/agents');
        const list = r.agents || [];
        agents.fill(list);
        for (const bar of root.querySelectorAll('.bar i')) bar.style.width = bar.dataset.pct + '%';
        if (focus) {
          const a = list.find((x) => x.agent_id === focus || x.name === focus);
          if (a) {
            agent = a;
            whose.textContent = 'Decisions of ' + a.name + ' ';
          }
        }
      }
      await refreshAgents();
      // /v1/events pages forwards from a cursor: start a window back from the head for the newest
      const head = (await api('/v1/node')).log_head || 0;
      const from = Math.max(0, head - 20000);
      const pages = await Promise.all(DECISIONS.map((t) => api('/v1/events?limit=1000&cursor=' + from + '&type=' + encodeURIComponent(t))
        .then((p) => (p.events || []).slice(-100), () => [])));
      decisions.fill(pages.flat().filter(mine).sort((a, b) => b.position - a.position).slice(0, KEEP));
      ctx.on((e) => { if (DECISIONS.includes(e.type) && mine(e)) decisions.prepend(e, KEEP); });
      // load moves with requests, which are not log events: poll it
      ctx.every(3000, () => refreshAgents().catch(() => {}));
    },
  });
})();
