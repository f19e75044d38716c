'use strict';
/* Missions: tasks with a watt reward escrowed at posting and paid to the winner. The list and each
   mission come from /v1/missions; a mission moves with its task (task.* events) and settles with
   the ledger (watt.* events), so either kind of event refreshes what is on screen. */
(() => {
  const { h, api, table, badge, link, shortNode, kv, card, pre } = WS;
  const moves = (e) => e.type.startsWith('watt.') || e.type.startsWith('task.');

  function postForm() {
    const prompt = h('input', { placeholder: 'what to do', 'aria-label': 'mission prompt', class: 'grow' });
    const reward = h('input', { type: 'number', min: '1', step: '1', placeholder: 'reward (watt)', 'aria-label': 'mission reward' });
    const id = h('input', { placeholder: 'mission id (optional)', 'aria-label': 'mission id' });
    const cap = h('input', { placeholder: 'capability (optional)', 'aria-label': 'mission capability' });
    const msg = h('p', { class: 'msg' });
    const form = h('form', {}, h('div', { class: 'toolbar' }, prompt, reward, id, cap, h('button', { type: 'submit' }, 'Post mission')), msg);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.className = 'msg';
      msg.textContent = '';
      const taskId = id.value.trim() || 'console-m-' + Date.now().toString(36);
      // the reward goes as typed: the node says what is wrong with it (not a whole number, short balance)
      const amount = /^[0-9]+$/.test(reward.value.trim()) ? Number(reward.value.trim()) : reward.value.trim();
      try {
        const body = { task_id: taskId, task_type: 'swarm', inputs: { prompt: prompt.value }, reward: amount };
        if (cap.value.trim()) body.capability = cap.value.trim();
        await api('/v1/missions', { method: 'POST', body });
        location.hash = '#/missions/' + encodeURIComponent(taskId);
      } catch (e) {
        msg.className = 'msg error';
        msg.textContent = e.message;
      }
    });
    return form;
  }

  async function list(root, ctx) {
    const rows = table([
      ['mission', (m) => link(m.mission, 'missions', m.mission)], ['state', (m) => badge(m.state)], ['reward', (m) => String(m.reward)],
      ['poster', (m) => shortNode(m.poster)], ['winner', (m) => (m.winner ? shortNode(m.winner) : '')], ['task', (m) => m.task_state || '']],
    [], { key: (m) => m.mission, empty: 'no missions yet' });
    root.append(h('h2', {}, 'Missions'), h('details', {}, h('summary', {}, 'Post a mission'), postForm()), rows);
    const refresh = async () => rows.fill((await api('/v1/missions?limit=200')).missions || []);
    await refresh();
    ctx.follow(moves, refresh, 300);
  }

  async function detail(root, id, ctx) {
    const box = h('div');
    root.append(h('p', {}, link('← all missions', 'missions')), box);
    async function show() {
      const m = await api('/v1/missions/' + encodeURIComponent(id));
      const cancel = m.state === 'open' ? h('button', { class: 'danger', type: 'button', onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          await api('/v1/missions/' + encodeURIComponent(id) + '/cancel', { method: 'POST' });
          await show();
        } catch (e) {
          box.append(h('p', { class: 'error' }, e.message));
          ev.target.disabled = false;
        }
      } }, 'Cancel mission') : null;
      box.replaceChildren(h('h2', {}, 'Mission ', h('span', { class: 'mono' }, m.mission), ' ', badge(m.state)),
        h('div', { class: 'grid' },
          card('Mission', kv([['reward', String(m.reward)], ['fee', String(m.fee ?? '')], ['poster', shortNode(m.poster)],
            ['host', shortNode(m.host)], ['winner', m.winner ? shortNode(m.winner) : 'not yet'],
            ['task', link(m.task_id, 'tasks', m.task_id)], ['task state', m.task_state]]), cancel),
          card('Payouts', table([['account', (p) => shortNode(p.account)], ['amount', (p) => String(p.amount ?? '')],
            ['credit', (p) => h('span', { class: 'mono dim' }, WS.short(p.credit, 24))]], m.payouts || [], { empty: 'none yet' }))),
        h('details', {}, h('summary', {}, 'raw'), pre(m)));
    }
    try {
      await show();
    } catch (e) {
      box.replaceChildren(h('p', { class: 'error' }, e.message));
      return;
    }
    ctx.follow(moves, show, 200);
  }

  WS.view({
    id: 'missions',
    title: 'Missions',
    render(root, arg, ctx) {
      return arg ? detail(root, arg, ctx) : list(root, ctx);
    },
  });
})();
