'use strict';
/* Tasks: the list (live), a submit form, and one task's whole lifecycle: claims, candidates,
   evidence and verdicts, commit/reveal votes, the decision, its output and every event. */
(() => {
  const { h, api, table, badge, link, shortNode, time, preview, pre, kv, card } = WS;
  const TERMINAL = new Set(['finalized', 'failed', 'expired', 'cancelled']);
  const PHASES = ['open', 'claimed', 'voting', 'revealing', 'decided', 'finalized'];
  const SAMPLE = JSON.stringify({ task_id: '', task_type: 'swarm', inputs: { prompt: 'say hello', swarm_scope: 'global' } }, null, 2);

  function count(o) {
    return o && typeof o === 'object' ? Object.keys(o).length : 0;
  }

  /** A map such as claims or verdicts as a table: its key (who) and what they said. */
  function facts(title, map, valueTitle) {
    const rows = Object.entries(map || {}).map(([k, v]) => ({ k, v }));
    // epoch milliseconds (lease ends) read better as times
    const render = (v) => (v !== null && typeof v === 'object' ? h('span', { class: 'mono dim' }, preview(v, 240))
      : typeof v === 'number' && v > 1e12 ? time(v) : String(v));
    return card(title + ' (' + rows.length + ')', table([['by', (r) => shortNode(r.k)], [valueTitle, (r) => render(r.v)]], rows,
      { empty: 'none' }));
  }

  function phases(state) {
    const at = PHASES.indexOf(state);
    return h('div', { class: 'steps' }, PHASES.map((p, i) => h('span', {
      class: p === state ? 'now' : at > i ? 'done' : '' }, p)),
    at < 0 ? h('span', { class: 'now' }, state) : null);
  }

  function submitForm(onDone) {
    const text = h('textarea', { spellcheck: 'false', 'aria-label': 'task JSON' });
    text.value = SAMPLE;
    const msg = h('p', { class: 'msg' });
    const go = h('button', { type: 'submit' }, 'Submit task');
    const form = h('form', {}, text, h('div', { class: 'toolbar' }, go, msg));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.className = 'msg';
      let body;
      try {
        body = JSON.parse(text.value);
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = 'not JSON: ' + e.message;
        return;
      }
      if (body && typeof body === 'object' && !Array.isArray(body) && !body.task_id) {
        // a task id is required; an operator who left it blank gets a fresh one
        const r = crypto.getRandomValues(new Uint8Array(6));
        body.task_id = 'console-' + [...r].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      go.disabled = true;
      try {
        const r = await api('/v1/tasks', { method: 'POST', body });
        msg.textContent = (r.created ? 'submitted ' : 'already known: ') + r.task_id;
        onDone(r.task_id);
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = e.message;
      } finally {
        go.disabled = false;
      }
    });
    return form;
  }

  async function list(root, ctx) {
    const stateSel = h('select', { 'aria-label': 'state' }, h('option', { value: '' }, 'all states'),
      [...PHASES, 'retry_wait', 'failed', 'expired', 'cancelled'].map((s) => h('option', { value: s }, s)));
    const rows = table([
      ['task', (t) => link(t.task_id, 'tasks', t.task_id)], ['state', (t) => badge(t.state)], ['profile', (t) => t.profile],
      ['capability', (t) => (t.spec && t.spec.capability) || ''], ['coordinator', (t) => shortNode(t.coordinator)],
      ['claims', (t) => String(count(t.claims))], ['candidates', (t) => String(count(t.candidates))],
      ['executor', (t) => (t.executor ? shortNode(t.executor) : '')], ['updated', (t) => time(t.updated_at_ms)]],
    [], { key: (t) => t.task_id, empty: 'no tasks', onclick: (t) => { location.hash = '#/tasks/' + encodeURIComponent(t.task_id); } });
    root.append(h('h2', {}, 'Tasks'),
      h('details', {}, h('summary', {}, 'Submit a task'), submitForm((id) => { location.hash = '#/tasks/' + encodeURIComponent(id); })),
      h('div', { class: 'toolbar' }, stateSel), rows);
    async function load() {
      const q = stateSel.value ? '&state=' + encodeURIComponent(stateSel.value) : '';
      const page = await api('/v1/tasks?limit=500' + q);
      rows.fill((page.tasks || []).sort((a, b) => (b.updated_at_ms || 0) - (a.updated_at_ms || 0)));
    }
    stateSel.addEventListener('change', load);
    const refresh = WS.throttle(async (id) => {
      try {
        const t = await api('/v1/tasks/' + encodeURIComponent(id));
        if (!stateSel.value || t.state === stateSel.value) rows.upsert(t);
      } catch (e) { /* not (yet) known here */ }
    }, 300);
    ctx.on((e) => e.task_id && refresh(e.task_id));
    await load();
  }

  async function detail(root, id, ctx) {
    const head = h('div');
    const body = h('div');
    const timeline = table([['#', (e) => String(e.position)], ['time', (e) => time(e.created_at_ms)], ['event', (e) => h('span', { class: 'mono' }, e.type)],
      ['author', (e) => shortNode(e.author)], ['payload', (e) => h('span', { class: 'dim mono' }, preview(e.payload, 160))]],
    [], { key: (e) => String(e.position), empty: 'no events' });
    const msg = h('p', { class: 'msg' });
    root.append(h('p', {}, link('← all tasks', 'tasks')), head, msg, body, h('div', { class: 'card' }, h('h3', {}, 'Events'), timeline));

    async function cancel() {
      msg.className = 'msg';
      try {
        await api('/v1/tasks/' + encodeURIComponent(id) + '/cancel', { method: 'POST', body: { reason: 'cancelled from the supervision console' } });
        msg.textContent = 'cancel requested';
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = e.message;
      }
    }

    function show(t) {
      head.replaceChildren(h('div', {}, h('h2', {}, 'Task ', h('span', { class: 'mono' }, t.task_id), ' ', badge(t.state)), phases(t.state),
        TERMINAL.has(t.state) ? null : h('button', { class: 'danger', type: 'button', onclick: cancel }, 'Cancel task')));
      body.replaceChildren(
        h('div', { class: 'grid' },
          card('Summary', kv([['state', t.state], ['profile', t.profile], ['attempt', String(t.attempt ?? '')],
            ['coordinator', shortNode(t.coordinator)], ['executor', t.executor ? shortNode(t.executor) : ''],
            ['decision', t.decision], ['result hash', t.result_hash ? h('span', { class: 'mono' }, WS.short(t.result_hash, 16)) : ''],
            ['created', time(t.created_at_ms)], ['updated', time(t.updated_at_ms)], ['expires', time(t.expires_at_ms)],
            ['errors', t.error_count ? String(t.error_count) + ': ' + t.last_error : ''], ['last rejection', t.last_rejection]])),
          card('Output', t.output && count(t.output) ? pre(t.output) : h('p', { class: 'dim' }, 'no output yet')),
          card('Spec', pre(t.spec || {}))),
        h('div', { class: 'grid' },
          facts('Claims', t.claims, 'lease until'), facts('Candidates', t.candidates, 'candidate'), facts('Bids', t.bids, 'bid')),
        h('div', { class: 'grid' },
          facts('Evidence', t.evidence, 'evidence'), facts('Verdicts', t.verdicts, 'verdict'),
          facts('Commits', t.commits, 'vote commitment'), facts('Reveals', t.reveals, 'revealed vote')));
    }

    // the page hears events before its first fetches: one recorded while they are on their way is
    // kept and added after (by position, so none twice), instead of missing from the timeline
    let t;
    let ready = false;
    const early = [];
    const seen = new Set();
    const refresh = WS.throttle(async () => {
      t = await api('/v1/tasks/' + encodeURIComponent(id));
      show(t);
    }, 150);
    function add(e) {
      if (seen.has(e.position)) return;
      seen.add(e.position);
      timeline.prepend(e);
    }
    ctx.on((e) => {
      if (e.task_id !== id) return;
      if (!ready) {
        if (early.length < 1000) early.push(e);
        return;
      }
      add(e);
      refresh();
    });
    try {
      t = await api('/v1/tasks/' + encodeURIComponent(id));
    } catch (e) {
      head.replaceChildren(h('h2', {}, 'Task ', h('span', { class: 'mono' }, id)), h('p', { class: 'error' }, e.message));
      return;
    }
    show(t);
    const evs = await api('/v1/events?limit=1000&task_id=' + encodeURIComponent(id));
    const fetched = (evs.events || []).reverse();
    for (const e of fetched) seen.add(e.position);
    timeline.fill(fetched);
    ready = true;
    for (const e of early) add(e);
    if (early.length) refresh();
    // leases and deadlines move without events: keep the clock-driven fields fresh while it runs
    ctx.every(3000, () => { if (!TERMINAL.has(t.state)) refresh(); });
  }

  WS.view({
    id: 'tasks',
    title: 'Tasks',
    render(root, arg, ctx) {
      return arg ? detail(root, arg, ctx) : list(root, ctx);
    },
  });
})();
