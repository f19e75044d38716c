'use strict';
/* Relationships: this node's state with each peer (pending_in/out, accepted, rejected, blocked,
   removed) from /v1/relationships, with the operator's actions on each (accept, reject, block,
   unblock, remove) and a request to a new node id. Relationship events refresh the list live. */
(() => {
  const { h, api, table, badge, shortNode, time, link } = WS;
  const ACTIONS = {
    pending_in: ['accept', 'reject', 'block'],
    pending_out: ['block'],
    accepted: ['remove', 'block'],
    rejected: ['request', 'block'],
    removed: ['request', 'block'],
    blocked: ['unblock'],
  };

  async function act(peer, action, note) {
    const body = action === 'request' && note ? { note } : undefined;
    return api('/v1/relationships/' + encodeURIComponent(peer) + '/' + action, { method: 'POST', body });
  }

  WS.view({
    id: 'relationships',
    title: 'Relationships',
    async render(root, arg, ctx) {
      const msg = h('p', { class: 'msg' });
      const say = (text, bad) => { msg.className = 'msg' + (bad ? ' error' : ''); msg.textContent = text; };
      const buttons = (r) => h('span', { class: 'toolbar' }, (ACTIONS[r.state] || []).map((a) => h('button', {
        type: 'button', class: a === 'block' || a === 'reject' || a === 'remove' ? 'quiet' : null, 'data-action': a,
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            const v = await act(r.node_id, a);
            say(a + ': ' + WS.short(r.node_id) + ' is now ' + v.state);
            await refresh();
          } catch (e) {
            say(e.message, true);
            ev.target.disabled = false;
          }
        } }, a)));
      const rows = table([
        ['peer', (r) => shortNode(r.node_id)], ['state', (r) => badge(r.state)], ['note', (r) => r.note || ''],
        ['contact', (r) => (r.contact_verified ? 'verified' : '')], ['since', (r) => time(r.updated_at_ms)],
        ['messages', (r) => (r.state === 'accepted' ? link('DMs', 'dms', r.node_id) : '')], ['actions', buttons]],
      [], { key: (r) => r.node_id, empty: 'no relationships yet' });
      const peer = h('input', { placeholder: 'node id', 'aria-label': 'peer node id', class: 'grow', spellcheck: 'false' });
      const note = h('input', { placeholder: 'note (optional)', 'aria-label': 'request note' });
      const form = h('form', { class: 'toolbar' }, peer, note, h('button', { type: 'submit' }, 'Request relationship'));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          const v = await act(peer.value.trim(), 'request', note.value.trim());
          say('requested: ' + WS.short(v.node_id) + ' is ' + v.state);
          peer.value = '';
          note.value = '';
          await refresh();
        } catch (e) {
          say(e.message, true);
        }
      });
      root.append(h('h2', {}, 'Relationships'), form, msg, rows);
      async function refresh() {
        rows.fill((await api('/v1/relationships')).relationships || []);
      }
      await refresh();
      ctx.follow((e) => e.type.startsWith('relationship'), refresh, 300);
    },
  });
})();
