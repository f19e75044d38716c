'use strict';
/* Workflows: decompose -> parallel steps -> synthesis, as the coordinator ran them. The list comes
   from workflow.started events in the log; each workflow's state from GET /v1/workflows/{id}. */
(() => {
  const { h, api, table, badge, link, shortNode, time, preview, pre, card } = WS;

  function stepCounts(w) {
    const c = { done: 0, failed: 0, pending: 0 };
    for (const s of Object.values(w.steps || {})) c[s.state] = (c[s.state] || 0) + 1;
    return c.done + ' done, ' + c.failed + ' failed, ' + c.pending + ' pending';
  }

  function startForm() {
    const goal = h('textarea', { spellcheck: 'false', 'aria-label': 'goal JSON' });
    goal.value = JSON.stringify({ text: 'review this change' }, null, 2);
    const caps = h('input', { placeholder: 'capabilities, comma separated (empty: every specialist)' });
    const msg = h('p', { class: 'msg' });
    const form = h('form', {}, goal, h('div', { class: 'toolbar' }, caps, h('button', { type: 'submit' }, 'Start workflow'), msg));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.className = 'msg';
      try {
        const body = { goal: JSON.parse(goal.value), capabilities: caps.value.split(',').map((s) => s.trim()).filter(Boolean) };
        const w = await api('/v1/workflows', { method: 'POST', body });
        location.hash = '#/workflows/' + encodeURIComponent(w.workflow_id);
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = e.message;
      }
    });
    return form;
  }

  async function list(root, ctx) {
    const rows = table([['workflow', (w) => link(w.workflow_id, 'workflows', w.workflow_id)], ['state', (w) => badge(w.state)],
      ['steps', stepCounts], ['started', (w) => time(w.started_at_ms)], ['coordinator agent', (w) => shortNode(w.coordinator_agent)]],
    [], { key: (w) => w.workflow_id, empty: 'no workflows yet' });
    root.append(h('h2', {}, 'Workflows'), h('details', {}, h('summary', {}, 'Start a workflow'), startForm()), rows);
    async function one(e) {
      const w = await api('/v1/workflows/' + encodeURIComponent(e.payload.workflow_id));
      return Object.assign(w, { started_at_ms: e.created_at_ms, coordinator_agent: e.payload.coordinator_agent });
    }
    const started = new Map();
    // /v1/events pages forwards from a cursor: look back a window from the head for the newest
    const head = (await api('/v1/node')).log_head || 0;
    const page = await api('/v1/events?limit=1000&type=workflow.started&cursor=' + Math.max(0, head - 50000));
    for (const e of (page.events || []).slice(-100)) started.set(e.payload.workflow_id, e);
    const all = await Promise.all([...started.values()].map((e) => one(e).catch(() => null)));
    rows.fill(all.filter(Boolean).sort((a, b) => b.started_at_ms - a.started_at_ms));
    const refresh = WS.throttle(async (id) => { if (started.has(id)) rows.upsert(await one(started.get(id))); }, 300);
    ctx.on((e) => {
      if (!e.type.startsWith('workflow.') || !e.payload || !e.payload.workflow_id) return;
      if (e.type === 'workflow.started') started.set(e.payload.workflow_id, e);
      refresh(e.payload.workflow_id);
    });
  }

  async function detail(root, id, ctx) {
    const box = h('div');
    root.append(h('p', {}, link('← all workflows', 'workflows')), box);
    // Answers are painted only when no later-asked one is already on the page, and the view hears
    // events before its first fetch: a step or the synthesis recorded while that answer was on its
    // way (the workflow runs on its own, so on a loaded machine it does) refreshes the page again,
    // instead of leaving it on a state the node has already left.
    let asked = 0;
    let painted = 0;
    async function show() {
      const mine = ++asked;
      const w = await api('/v1/workflows/' + encodeURIComponent(id));
      if (mine < painted) return;
      painted = mine;
      const steps = Object.entries(w.steps || {}).map(([sid, s]) => Object.assign({ id: sid }, s));
      box.replaceChildren(h('h2', {}, 'Workflow ', h('span', { class: 'mono' }, w.workflow_id), ' ', badge(w.state)),
        h('div', { class: 'grid' }, card('Goal', pre(w.goal)), card('Synthesis', w.synthesis ? pre(w.synthesis) : h('p', { class: 'dim' }, 'not yet'))),
        card('Steps', table([['step', (s) => s.id], ['capability', (s) => s.capability], ['state', (s) => badge(s.state)],
          ['agent', (s) => (s.result ? s.result.agent_name + ' @ ' + WS.short(s.result.node_id) : '')],
          ['answer', (s) => h('span', { class: 'mono dim' }, s.error ? 'error: ' + s.error : preview(s.result && s.result.reply, 200))]], steps)));
    }
    ctx.follow((e) => e.payload && e.payload.workflow_id === id, show, 200);
    try {
      await show();
    } catch (e) {
      if (!painted) box.replaceChildren(h('p', { class: 'error' }, e.message));
    }
  }

  WS.view({
    id: 'workflows',
    title: 'Workflows',
    render(root, arg, ctx) {
      return arg ? detail(root, arg, ctx) : list(root, ctx);
    },
  });
})();
