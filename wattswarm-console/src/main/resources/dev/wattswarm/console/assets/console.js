'use strict';
/*
 * The console's core: the session, calls to /v1/, one live event stream shared by every view, a
 * hash router and small DOM helpers. A view is registered with
 *   WS.view({id, title, render(root, arg, ctx)})
 * and reached at #/<id>[/<arg>]. ctx.on(fn) hears every new log event and ctx.every(ms, fn)
 * repeats; both stop when the operator leaves the view. ctx.follow(matches, refresh, ms) re-runs
 * refresh (a promise) after events that match, a burst of them once per ms, its failures left to
 * the next one.
 *
 * Everything shown comes from other nodes as well as this one (task prompts, agent names, event
 * payloads), so it is written with textContent only: WS.h never turns data into markup.
 */
const WS = (() => {
  const views = new Map();
  const listeners = new Set();
  let csrf = '';
  let source = null;
  let lastPosition = 0;
  let page = null;

  // ---- DOM helpers -------------------------------------------------------------------------

  /** h('td', {class: 'x', onclick: fn}, 'text', node, [more]) -> element; strings become text. */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(3)) {
      if (c == null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  /** A link inside the console: #/<view>/<arg>, the argument URL-encoded. */
  function link(text, viewId, arg) {
    return h('a', { href: '#/' + viewId + (arg ? '/' + encodeURIComponent(arg) : '') }, text);
  }

  function short(id, n = 12) {
    id = String(id ?? '');
    return id.length > n + 1 ? id.slice(0, n) + '…' : id;
  }

  /** A node id, or an executor id "<node_id>/<name>", shortened with the whole id as its tooltip. */
  function shortNode(id) {
    const s = String(id ?? '');
    const slash = s.indexOf('/');
    return h('span', { class: 'mono', title: s }, slash > 0 ? short(s.slice(0, slash)) + s.slice(slash) : short(s));
  }

  function time(ms) {
    if (!ms) return '';
    return new Date(ms).toLocaleTimeString([], { hour12: false }) + '.' + String(ms % 1000).padStart(3, '0');
  }

  function duration(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function preview(v, n = 120) {
    if (v == null) return '';
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s.length > n ? s.slice(0, n) + '…' : s;
  }

  function badge(state) {
    return h('span', { class: 'badge ' + String(state).replace(/[^a-z_]/g, '') }, String(state));
  }

  function pre(v) {
    return h('pre', {}, typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  }

  /** A definition list from [label, value] pairs; null values are left out. */
  function kv(pairs) {
    return h('dl', { class: 'kv' }, pairs.filter((p) => p[1] != null && p[1] !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  /** A table: columns are [title, row => cell]; opts.key names rows, opts.onclick makes them clickable. */
  function table(columns, rows, opts = {}) {
    const body = h('tbody');
    const t = h('table', {}, h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c[0])))), body);
    const fill = (rs) => {
      body.replaceChildren();
      if (!rs.length) body.append(h('tr', {}, h('td', { class: 'empty', colspan: columns.length }, opts.empty || 'nothing yet')));
      for (const r of rs) body.append(row(r));
    };
    const row = (r) => {
      const tr = h('tr', { class: opts.onclick ? 'clickable' : null }, columns.map((c) => h('td', {}, c[1](r))));
      if (opts.key) tr.dataset.key = opts.key(r);
      if (opts.onclick) tr.addEventListener('click', (ev) => { if (ev.target.tagName !== 'A' && ev.target.tagName !== 'BUTTON') opts.onclick(r); });
      return tr;
    };
    /** Replaces the row with the same key, or adds it on top; marks it fresh. */
    t.upsert = (r) => {
      const fresh = row(r);
      fresh.classList.add('fresh');
      const empty = body.querySelector('td.empty');
      if (empty) empty.parentElement.remove();
      const old = opts.key ? [...body.children].find((tr) => tr.dataset.key === opts.key(r)) : null;
      if (old) old.replaceWith(fresh);
      else body.prepend(fresh);
    };
    t.prepend = (r, max) => {
      t.upsert(r);
      while (max && body.children.length > max) body.lastElementChild.remove();
    };
    t.fill = fill;
    fill(rows);
    return t;
  }

  function card(title, ...children) {
    return h('div', { class: 'card' }, h('h3', {}, title), children);
  }

  /**
   * Calls fn at most once per ms per key, trailing: bursts of events become one refresh. Runs of a
   * key never overlap: an event during a run queues one more run after it. Overlapping fetches can
   * answer out of order (a loaded machine does), and the older answer, painted last, would stick:
   * a workflow shown running forever after its workflow.finished event.
   */
  function throttle(fn, ms) {
    const keys = new Map(); // key -> {timer, running, again}
    const schedule = (key, k) => {
      k.timer = setTimeout(async () => {
        k.timer = null;
        k.running = true;
        try {
          await fn(key);
        } finally {
          k.running = false;
          if (k.again) {
            k.again = false;
            schedule(key, k);
          } else {
            keys.delete(key);
          }
        }
      }, ms);
    };
    return (key = '') => {
      let k = keys.get(key);
      if (!k) keys.set(key, (k = { timer: null, running: false, again: false }));
      if (k.running) k.again = true;
      else if (!k.timer) schedule(key, k);
    };
  }

  // ---- API ---------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  /** fetch with the session cookie; actions carry the CSRF secret; errors throw the server's one-line reason. */
  async function api(path, opts = {}) {
    const method = opts.method || 'GET';
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-Wattswarm-Csrf'] = csrf;
    let body;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const r = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    const reason = data && data.error ? data.error.message : 'HTTP ' + r.status;
    if (r.status === 401) loggedOut(reason);
    if (!r.ok) throw new ApiError(r.status, reason);
    return data;
  }

  // ---- live events -------------------------------------------------------------------------

  function setLive(on, text) {
    const el = document.getElementById('live');
    el.classList.toggle('on', on);
    el.textContent = text;
  }

  /**
   * One EventSource for the whole page. On any error it is closed and reopened from the last
   * position seen (the browser's own retry would resume from the first URL's cursor), after
   * checking that the session still holds; events are taken once each, by position.
   */
  function connect() {
    if (source) source.close();
    source = new EventSource('/v1/events/stream?named=false&after=' + lastPosition);
    source.onopen = () => setLive(true, 'live');
    source.onmessage = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch (err) { return; }
      if (!(e.position > lastPosition)) return;
      lastPosition = e.position;
      for (const fn of [...listeners]) {
        try { fn(e); } catch (err) { console.error('view failed on event', err); }
      }
    };
    source.onerror = () => {
      setLive(false, 'reconnecting…');
      source.close();
      source = null;
      // a 401 here shows the login form (api does that); a node that is down is retried
      api('/supervision/session').then(() => setTimeout(connect, 1000),
        (e) => { if (!(e instanceof ApiError && e.status === 401)) setTimeout(connect, 3000); });
    };
  }

  // ---- views and routing -------------------------------------------------------------------

  function view(def) {
    views.set(def.id, def);
  }

  function route() {
    const parts = (location.hash || '#/overview').replace(/^#\/?/, '').split('/');
    const id = views.has(parts[0]) ? parts[0] : 'overview';
    let arg = '';
    try { arg = decodeURIComponent(parts.slice(1).join('/')); } catch (e) { arg = ''; }
    if (page) page.stop();
    const subs = [];
    const timers = [];
    page = {
      stop() { subs.forEach((fn) => listeners.delete(fn)); timers.forEach(clearInterval); },
    };
    const ctx = {
      on(fn) { subs.push(fn); listeners.add(fn); },
      every(ms, fn) { timers.push(setInterval(fn, ms)); },
      follow(matches, refresh, ms) {
        const later = throttle(() => refresh().catch(() => {}), ms);
        ctx.on((e) => { if (matches(e)) later(); });
        return later;
      },
      current: page,
    };
    for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('on', a.dataset.view === id);
    const main = document.getElementById('main');
    main.replaceChildren();
    const v = views.get(id);
    Promise.resolve()
      .then(() => v.render(main, arg, ctx))
      .catch((err) => main.append(h('p', { class: 'error' }, 'could not show ' + v.title + ': ' + err.message)));
  }

  // ---- session -----------------------------------------------------------------------------

  function loggedOut(reason) {
    if (source) { source.close(); source = null; }
    setLive(false, 'offline');
    document.getElementById('app').hidden = true;
    document.getElementById('logout').hidden = true;
    document.getElementById('login').hidden = false;
    const n = document.getElementById('notice');
    if (reason && !n.textContent.trim()) n.textContent = reason;
  }

  async function start() {
    const notice = document.getElementById('notice');
    if (notice.textContent.trim()) return; // the server refused a login: leave its word on screen
    let s;
    try {
      const r = await fetch('/supervision/session', { credentials: 'same-origin', cache: 'no-store' });
      if (r.status !== 200) return; // not logged in: the login form is showing
      s = await r.json();
    } catch (e) {
      notice.textContent = 'the node does not answer: ' + e.message;
      return;
    }
    csrf = s.csrf;
    document.getElementById('login').hidden = true;
    document.getElementById('app').hidden = false;
    const out = document.getElementById('logout');
    out.hidden = false;
    out.addEventListener('click', async () => {
      try { await api('/supervision/logout', { method: 'POST' }); } finally { loggedOut('logged out'); }
    });
    const nav = document.getElementById('nav');
    for (const v of views.values()) nav.append(h('a', { href: '#/' + v.id, 'data-view': v.id }, v.title));
    const node = await api('/v1/node');
    document.getElementById('who').textContent = 'node ' + short(node.node_id, 16) + ' · ' + node.network_id;
    lastPosition = node.log_head || 0;
    connect();
    window.addEventListener('hashchange', route);
    route();
  }

  document.addEventListener('DOMContentLoaded', start);

  return { h, link, short, shortNode, time, duration, preview, badge, pre, kv, table, card, throttle, api, view, ApiError };
})();
