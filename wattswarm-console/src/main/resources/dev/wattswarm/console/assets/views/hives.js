'use strict';
/* Hives: the hives this node knows (GET /v1/hives), one hive with its members and messages
   (GET /v1/hives/<id>, /messages), and the operator's actions behind the session: create, join,
   leave, post a message. Membership changes are hive.* events and a message is a
   TopicMessagePosted in the hive's scope, so what is on screen refreshes when one arrives. A node
   without hives answers 404, and the view says so rather than showing anything made up. */
(() => {
  const { h, api, table, link, shortNode, time, kv, card, pre } = WS;
  const name = (x) => x.hive || '';
  const path = (id) => '/v1/hives/' + encodeURIComponent(id);

  /** A form whose submit runs {@code act} and shows the node's refusal under it. */
  function form(fields, label, act) {
    const msg = h('p', { class: 'msg' });
    const f = h('form', {}, h('div', { class: 'toolbar' }, ...fields, h('button', { type: 'submit' }, label)), msg);
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.className = 'msg';
      msg.textContent = '';
      try {
        await act();
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = e.message;
      }
    });
    return f;
  }

  async function list(root, ctx) {
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
    const id = h('input', { placeholder: 'hive id', 'aria-label': 'hive id' });
    const topic = h('input', { placeholder: 'topic (optional)', 'aria-label': 'hive topic', class: 'grow' });
    const create = form([id, topic], 'Create hive', async () => {
      const body = { id: id.value.trim() };
      if (topic.value.trim()) body.topic = topic.value.trim();
      await api('/v1/hives', { method: 'POST', body });
      location.hash = '#/hives/' + encodeURIComponent(body.id);
    });
    const rows = table([['hive', (x) => link(name(x), 'hives', name(x))], ['topic', (x) => x.topic || ''],
      ['created by', (x) => (x.created_by ? shortNode(x.created_by) : '')], ['members', (x) => String(x.member_count ?? '')],
      ['this node', (x) => (x.member ? 'member' : '')]], [], { key: name, empty: 'no hives yet' });
    root.append(h('details', {}, h('summary', {}, 'Create a hive'), create), rows);
    const fill = (d) => rows.fill(d.hives || []);
    fill(data);
    ctx.follow((e) => e.type.startsWith('hive.'), () => api('/v1/hives').then(fill), 300);
  }

  async function detail(root, id, ctx) {
    const box = h('div');
    const msgs = table([['at', (m) => time(m.at_ms)], ['from', (m) => shortNode(m.from)],
      ['text', (m) => h('span', { class: 'hivetext' }, m.text)]], [], { key: (m) => m.event_id, empty: 'no messages yet' });
    const text = h('input', { placeholder: 'message', 'aria-label': 'hive message', class: 'grow', maxlength: '4096' });
    const post = form([text], 'Post', async () => {
      await api(path(id) + '/messages', { method: 'POST', body: { text: text.value } });
      text.value = '';
      await refresh();
    });
    root.append(h('p', {}, link('← all hives', 'hives')), box, h('h3', {}, 'Messages'), msgs, post);

    async function action(verb) {
      try {
        await api(path(id) + '/' + verb, { method: 'POST' });
        await refresh();
      } catch (e) {
        box.append(h('p', { class: 'error' }, e.message));
      }
    }

    async function refresh() {
      const hive = await api(path(id));
      const toggle = hive.member
        ? h('button', { class: 'danger', type: 'button', 'data-action': 'leave', onclick: () => action('leave') }, 'Leave hive')
        : h('button', { type: 'button', 'data-action': 'join', onclick: () => action('join') }, 'Join hive');
      box.replaceChildren(h('h2', {}, 'Hive ', h('span', { class: 'mono' }, hive.hive)),
        h('div', { class: 'grid' },
          card('Hive', kv([['topic', hive.topic], ['created by', shortNode(hive.created_by)], ['scope', hive.scope],
            ['this node', hive.member ? 'member' : 'not a member']]), toggle),
          card('Members', table([['node', (m) => h('span', { class: 'mono', 'data-member': m.node }, shortNode(m.node))],
            ['since', (m) => time(m.since_ms)]], hive.members || [], { key: (m) => m.node, empty: 'no members' }))),
        h('details', {}, h('summary', {}, 'raw'), pre(hive)));
      // newest first on screen; the node's order (clock, then event id) is the same on every member
      msgs.fill(((await api(path(id) + '/messages?limit=200')).messages || []).slice().reverse());
    }

    try {
      await refresh();
    } catch (e) {
      box.replaceChildren(h('p', { class: 'error' }, e.message));
      return;
    }
    const scope = 'group:hive-' + id;
    ctx.follow((e) => e.type.startsWith('hive.') || (e.type === 'TopicMessagePosted' && (!e.scope || e.scope === scope)), refresh, 200);
  }

  WS.view({
    id: 'hives',
    title: 'Hives',
    render(root, arg, ctx) {
      return arg ? detail(root, arg, ctx) : list(root, ctx);
    },
  });
})();
