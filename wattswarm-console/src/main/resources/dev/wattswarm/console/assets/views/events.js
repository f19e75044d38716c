'use strict';
/* Events: the signed log as it grows, newest on top, with a filter and a pause. */
(() => {
  const { h, api, table, link, shortNode, time, preview, pre } = WS;
  const KEEP = 500;

  WS.view({
    id: 'events',
    title: 'Events',
    async render(root, arg, ctx) {
      let paused = false;
      let filter = arg || '';
      const held = [];
      const detail = h('div');
      const rows = table([
        ['#', (e) => String(e.position)], ['time', (e) => time(e.created_at_ms)], ['type', (e) => h('span', { class: 'mono' }, e.type)],
        ['author', (e) => shortNode(e.author)], ['scope', (e) => e.scope],
        ['task', (e) => (e.task_id ? link(e.task_id, 'tasks', e.task_id) : '')], ['payload', (e) => h('span', { class: 'dim mono' }, preview(e.payload, 100))]],
      [], { key: (e) => String(e.position), empty: 'no events yet', onclick: (e) => detail.replaceChildren(h('h3', {}, 'event ' + e.position + ' · ' + e.type), pre(e)) });
      const matches = (e) => !filter || e.type.includes(filter) || (e.task_id || '').includes(filter) || (e.author || '').startsWith(filter);
      const count = h('span', { class: 'dim' });
      const pause = h('button', { class: 'quiet', type: 'button', onclick: () => {
        paused = !paused;
        pause.textContent = paused ? 'Resume' : 'Pause';
        if (!paused) { held.splice(0).forEach(add); }
      } }, 'Pause');
      const input = h('input', { type: 'search', placeholder: 'filter: type, task id or author', value: filter });
      input.addEventListener('input', () => { filter = input.value.trim(); load(); });
      root.append(h('h2', {}, 'Events'), h('div', { class: 'toolbar' }, input, pause, h('span', { class: 'grow' }), count), rows, detail);

      let shown = 0;
      function add(e) {
        if (!matches(e)) return;
        rows.prepend(e, KEEP);
        shown = Math.min(KEEP, shown + 1);
        count.textContent = 'live · last event ' + e.position;
      }
      async function load() {
        const node = await api('/v1/node');
        const head = node.log_head || 0;
        const page = await api('/v1/events?limit=200&cursor=' + Math.max(0, head - 200));
        rows.fill((page.events || []).filter(matches).reverse());
        count.textContent = 'log head ' + head;
      }
      ctx.on((e) => (paused ? held.length < KEEP && held.push(e) : add(e)));
      await load();
    },
  });
})();
