'use strict';
/* Direct messages: one thread per accepted relationship, the messages as this node decrypts them
   (GET /v1/dm/<peer>), and sending one as an operator action (POST /v1/dm/<peer>). A DM is a
   TopicMessagePosted event, so the thread on screen refreshes when one arrives. */
(() => {
  const { h, api, table, shortNode, time, link } = WS;

  async function threads(root, ctx) {
    const rows = table([['peer', (r) => link(WS.short(r.node_id, 24), 'dms', r.node_id)], ['state', (r) => WS.badge(r.state)],
      ['note', (r) => r.note || '']], [], { key: (r) => r.node_id, empty: 'no threads: DMs need an accepted relationship' });
    root.append(h('h2', {}, 'Direct messages'), rows);
    const refresh = async () => rows.fill(((await api('/v1/relationships')).relationships || []).filter((r) => r.state === 'accepted'));
    await refresh();
    ctx.follow((e) => e.type.startsWith('relationship'), refresh, 300);
  }

  async function thread(root, peer, ctx) {
    const me = (await api('/v1/node')).node_id;
    const msgs = table([['at', (m) => time(m.at_ms)], ['from', (m) => (m.from === me ? 'this node' : shortNode(m.from))],
      ['text', (m) => h('span', { class: 'dmtext' }, m.text)]], [], { key: (m) => m.event_id, empty: 'no messages yet' });
    const text = h('input', { placeholder: 'message', 'aria-label': 'message text', class: 'grow', maxlength: '4000' });
    const msg = h('p', { class: 'msg' });
    const form = h('form', { class: 'toolbar' }, text, h('button', { type: 'submit' }, 'Send'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.className = 'msg';
      msg.textContent = '';
      try {
        await api('/v1/dm/' + encodeURIComponent(peer), { method: 'POST', body: { text: text.value } });
        text.value = '';
        await refresh();
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = e.message;
      }
    });
    root.append(h('p', {}, link('← all threads', 'dms')), h('h2', {}, 'Messages with ', shortNode(peer)), msgs, form, msg);
    async function refresh() {
      const r = await api('/v1/dm/' + encodeURIComponent(peer) + '?limit=200');
      msgs.fill((r.messages || []).slice().sort((a, b) => b.at_ms - a.at_ms));
    }
    try {
      await refresh();
    } catch (e) {
      msgs.replaceWith(h('p', { class: 'error' }, e.message));
      return;
    }
    ctx.follow((e) => e.type === 'TopicMessagePosted' || e.type.startsWith('relationship'), refresh, 200);
  }

  WS.view({
    id: 'dms',
    title: 'DMs',
    render(root, arg, ctx) {
      return arg ? thread(root, arg, ctx) : threads(root, ctx);
    },
  });
})();
