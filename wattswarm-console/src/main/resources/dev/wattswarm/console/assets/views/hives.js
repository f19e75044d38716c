'use strict';
/* Hives: shown from /v1/hives when this node serves it (hive, topic, creator, members, whether
   this node is one). A node without hives answers 404, and the view says so rather than showing
   anything made up. hive.* events refresh the list. */
(() => {
  const { h, api, table, pre, shortNode } = WS;
  const name = (x) => x.hive || x.hive_id || x.id || '';

  WS.view({
    id: 'hives',
    title: 'Hives',
    async render(root, arg, ctx) {
      root.append(h('h2', {}, 'Hives'));
      let data;
      try {
        data = await api('/v1/hives');
      } catch (e) {
        if (e instanceof WS.ApiError && e.status === 404) {
          root.append(h('p', { class: 'dim', id: 'hives-absent' }, 'hives: not available on this node'));
          return;
        }
        throw e;
      }
      const rows = table([['hive', name], ['topic', (x) => x.topic || ''], ['created by', (x) => (x.created_by ? shortNode(x.created_by) : '')],
        ['members', (x) => String(Array.isArray(x.members) ? x.members.length : x.member_count ?? '')],
        ['this node', (x) => (x.member ? 'member' : '')], ['details', (x) => h('details', {}, h('summary', {}, 'json'), pre(x))]],
      [], { key: name, empty: 'no hives yet' });
      root.append(rows);
      const fill = (d) => rows.fill(Array.isArray(d) ? d : d.hives || []);
      fill(data);
      const later = WS.throttle(() => api('/v1/hives').then(fill, () => {}), 300);
      ctx.on((e) => { if (e.type.startsWith('hive')) later(); });
    },
  });
})();
