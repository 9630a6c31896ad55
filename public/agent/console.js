/**
 * The agents' console: sign-in by token, the queue (by priority, then oldest first) with its
 * filters, a ticket's detail and actions, live updates by polling, and the 7-day chart.
 * Everything the server sends is put on the page as text (textContent), never as HTML.
 */
import * as api from './api.js';
import { renderChart } from './chart.js';
import { PRIORITY_ORDER, TYPE_LABELS, age, callbackLine, dateTime, historyLine, lostDeviceFacts, requesterLine, secondCheckPending, speakerLabel, statusLabel, typeLabel, verificationBadge } from './labels.js';

/** How often the queue and the open ticket are refreshed; changes show within this time. */
const POLL_MS = 2500;
/** How often the chart is refreshed. */
const STATS_EVERY_MS = 30000;

const $ = (id) => document.getElementById(id);

const state = {
  agent: null,
  tickets: [],
  /** id → updatedAt of the tickets last shown, to announce what changed. */
  seen: new Map(),
  selectedId: null,
  selected: null,
  timer: null,
  statsAt: 0,
  offline: false,
  /** What the queue shows now (ids and versions); null forces the next refresh to redraw it. */
  signature: null,
  /** When the queue was last drawn; it is redrawn at least once a minute so waiting times stay true. */
  renderedAt: 0,
  /** Number of the latest refresh; an older one that finishes later is dropped. */
  generation: 0,
};

function el(name, text, attributes = {}) {
  const node = document.createElement(name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function announce(message) {
  $('live-status').textContent = message;
}

function filters() {
  return { status: $('filter-status').value, type: $('filter-type').value, priority: $('filter-priority').value };
}

function byPriorityThenAge(a, b) {
  return (PRIORITY_ORDER[a.priority] || 9) - (PRIORITY_ORDER[b.priority] || 9) || Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);
}

async function fetchQueue() {
  const { status, type, priority } = filters();
  const statuses = status === 'active' ? ['open', 'claimed'] : [status];
  const pages = await Promise.all(statuses.map((s) => api.listTickets({ status: s, type, priority })));
  return pages.flat().sort(byPriorityThenAge);
}

function badge(evidence) {
  const b = verificationBadge(evidence);
  const span = el('span', b.short, { class: `badge ${b.verified ? 'verified' : 'not-verified'}`, title: b.long });
  return span;
}

function renderQueue() {
  const rows = $('queue-rows');
  const focusedId = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.ticket : undefined;
  const now = Date.now();
  rows.replaceChildren(
    ...state.tickets.map((t) => {
      const tr = el('tr', undefined, { 'data-ticket-row': t.id });
      const open = el('button', t.id, { type: 'button', class: 'link', 'data-ticket': t.id, 'aria-label': `Open ${t.id}, ${typeLabel(t.type)}, ${t.priority}` });
      if (t.id === state.selectedId) open.setAttribute('aria-current', 'true');
      open.addEventListener('click', () => select(t.id, true));
      const first = el('td');
      first.append(open);
      const identity = el('td');
      identity.append(badge(t.verification));
      tr.append(
        first,
        el('td', t.priority, { class: `priority ${t.priority}` }),
        el('td', typeLabel(t.type)),
        el('td', statusLabel(t)),
        identity,
        el('td', requesterLine(t.requester)),
        el('td', age(t.createdAt, now)),
      );
      return tr;
    }),
  );
  $('queue-empty').hidden = state.tickets.length > 0;
  if (focusedId) {
    const again = rows.querySelector(`button[data-ticket="${CSS.escape(focusedId)}"]`);
    if (again) again.focus();
  }
}

function fact(list, term, value) {
  const dt = el('dt', term);
  const dd = el('dd');
  if (value instanceof Node) dd.append(value);
  else dd.textContent = value;
  list.append(dt, dd);
}

function renderDetail() {
  const t = state.selected;
  $('detail-placeholder').hidden = Boolean(t);
  $('detail-body').hidden = !t;
  if (!t) {
    $('detail-title').textContent = 'Ticket';
    return;
  }
  $('detail-title').textContent = `${t.id} · ${typeLabel(t.type)}`;
  const facts = $('detail-facts');
  facts.replaceChildren();
  const b = verificationBadge(t.verification);
  fact(facts, 'Identity', el('span', b.long, { class: `badge ${b.verified ? 'verified' : 'not-verified'}` }));
  fact(facts, 'Priority', t.priority);
  fact(facts, 'Status', statusLabel(t));
  fact(facts, 'Requester', requesterLine(t.requester));
  fact(facts, 'Channel', t.channel);
  fact(facts, 'Opened', `${dateTime(t.createdAt)} (${age(t.createdAt)} ago)`);
  fact(facts, 'Summary', t.summary);
  for (const [term, value] of lostDeviceFacts(t)) fact(facts, term, value);
  if (t.accountCompromised) fact(facts, 'Account', 'Flagged as compromised in the directory');
  if (t.resolution) fact(facts, 'Resolution', t.resolution);
  if (t.personNotNotified) fact(facts, 'Person', `Could not be notified: ${t.personNotNotified.reason}`);
  const callback = callbackLine(t.history);
  if (callback) fact(facts, 'Call-back', callback);
  if (t.securityAlert) fact(facts, 'Security alert', t.securityAlert.reason);

  const mine = t.assignee === state.agent;
  const active = t.status === 'open' || t.status === 'claimed';
  $('claim').hidden = t.status !== 'open';
  $('cancel').hidden = !active;
  if (!active) $('cancel-confirm').hidden = true;
  const checkPending = active && secondCheckPending(t);
  $('second-check-form').hidden = !checkPending;
  $('resolve-form').hidden = checkPending || !(t.status === 'open' || (t.status === 'claimed' && mine));
  $('callback-form').hidden = !active;
  $('callback-claim').hidden = Boolean(t.requester && (t.requester.email || t.requester.staffId));

  $('detail-notes').replaceChildren(
    ...(t.notes.length === 0
      ? [el('li', 'No notes yet.')]
      : t.notes.map((n) => el('li', `${dateTime(n.at)} · ${n.agent} (${n.visibleToUser ? 'shown to the person' : 'team only'}): ${n.text}`))),
  );
  $('detail-history').replaceChildren(...t.history.map((h) => el('li', `${dateTime(h.at)} · ${historyLine(h)}`)));
  $('detail-transcript').replaceChildren(
    ...(t.transcript.length === 0
      ? [el('li', 'No conversation was recorded.')]
      : t.transcript.map((turn) => {
          const li = el('li', undefined, { class: `turn ${turn.from}` });
          li.append(el('span', `${speakerLabel(turn.from)}: `, { class: 'speaker' }), el('span', turn.text));
          return li;
        })),
  );
}

async function select(id, moveFocus) {
  state.selectedId = id;
  $('action-message').textContent = '';
  $('cancel-confirm').hidden = true;
  try {
    state.selected = await api.getTicket(id);
  } catch (err) {
    if (handleAuthError(err)) return;
    state.selected = null;
    $('detail-placeholder').textContent = `${id} could not be loaded: ${err.message}`;
  }
  renderDetail();
  renderQueue();
  if (moveFocus) $('detail').focus();
}

/** Changes between two polls, in words, for the live region. */
function describeChanges(before, after) {
  const changes = [];
  for (const t of after) {
    const was = before.get(t.id);
    if (was === undefined) changes.push(`New ticket ${t.id}, ${t.priority}, ${typeLabel(t.type)}.`);
    else if (was !== t.updatedAt) changes.push(`${t.id} changed: ${statusLabel(t)}.`);
  }
  return changes;
}

async function refresh({ quiet = false } = {}) {
  const generation = ++state.generation;
  try {
    const tickets = await fetchQueue();
    if (generation !== state.generation) return;
    const signature = tickets.map((t) => `${t.id}@${t.updatedAt}`).join(',');
    const changes = state.seen.size > 0 ? describeChanges(state.seen, tickets) : [];
    state.seen = new Map(tickets.map((t) => [t.id, t.updatedAt]));
    if (signature !== state.signature || state.offline || Date.now() - state.renderedAt > 60000) {
      state.signature = signature;
      state.tickets = tickets;
      state.renderedAt = Date.now();
      renderQueue();
    }
    if (state.selectedId) {
      const listed = tickets.find((t) => t.id === state.selectedId);
      if (!listed || !state.selected || listed.updatedAt !== state.selected.updatedAt) {
        state.selected = await api.getTicket(state.selectedId);
        renderDetail();
      }
    }
    if (state.offline) announce('Connected again.');
    else if (!quiet && changes.length > 0) announce(changes.slice(0, 3).join(' '));
    state.offline = false;
    $('updated-at').textContent = `Last updated ${new Date().toLocaleTimeString('en-GB')}`;
    if (Date.now() - state.statsAt > STATS_EVERY_MS) await refreshStats();
  } catch (err) {
    if (generation !== state.generation || handleAuthError(err)) return;
    if (!state.offline) announce('The server cannot be reached. Trying again…');
    state.offline = true;
  }
}

async function refreshStats() {
  state.statsAt = Date.now();
  renderChart($('chart'), await api.stats(7));
}

function startPolling() {
  stopPolling();
  const tick = async () => {
    await refresh();
    if (state.agent) state.timer = setTimeout(tick, POLL_MS);
  };
  state.timer = setTimeout(tick, POLL_MS);
}

function stopPolling() {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
}

/** Signs out when the token is no longer accepted; returns true if it did. */
function handleAuthError(err) {
  if (err instanceof api.ApiError && (err.status === 401 || err.status === 403)) {
    signOut('Your token is no longer accepted. Please sign in again.');
    return true;
  }
  return false;
}

function actionMessage(text) {
  $('action-message').textContent = text;
}

/** Errors of `verify-by-callback` that mean no call was placed. */
const CALL_REFUSALS = new Set(['no_person', 'no_number', 'not_eligible', 'limit_reached', 'callback_unavailable', 'call_failed']);

function explain(err) {
  if (!(err instanceof api.ApiError)) return 'The server cannot be reached. Nothing was changed.';
  const body = err.body;
  if (body.error === 'already_claimed') return `Not claimed: ${body.holder} already holds this ticket.`;
  if (body.error === 'invalid_transition') return `Not possible while the ticket is ${body.status}.`;
  if (CALL_REFUSALS.has(body.error)) return `No call placed: ${err.message}`;
  if (body.error === 'invalid_request' && Array.isArray(body.fields)) return `Not saved: ${body.fields.map((f) => `${f.field} ${f.message}`).join('; ')}.`;
  return `Not saved: ${err.message}`;
}

async function act(work, done) {
  const id = state.selectedId;
  if (!id) return;
  try {
    state.selected = await work(id);
    actionMessage(done(state.selected));
  } catch (err) {
    if (handleAuthError(err)) return;
    actionMessage(explain(err));
    try {
      state.selected = await api.getTicket(id);
    } catch {
      // keep what is shown
    }
  }
  renderDetail();
  await refresh({ quiet: true });
  await refreshStats().catch(() => undefined);
}

function showWorkspace(agent) {
  state.agent = agent;
  $('agent-name').textContent = agent;
  $('session').hidden = false;
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
}

async function enter(agent) {
  showWorkspace(agent);
  await refresh({ quiet: true });
  await refreshStats().catch(() => undefined);
  startPolling();
}

function signOut(message = '') {
  api.forgetToken();
  stopPolling();
  Object.assign(state, { agent: null, tickets: [], seen: new Map(), selectedId: null, selected: null, signature: null, statsAt: 0 });
  $('queue-rows').replaceChildren();
  $('chart').replaceChildren();
  renderDetail();
  $('session').hidden = true;
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').value = '';
  $('token').focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $('token').value.trim();
  const error = $('sign-in-error');
  if (!token) {
    error.textContent = 'Type your agent API token.';
    $('token').setAttribute('aria-invalid', 'true');
    return;
  }
  try {
    const agent = await api.whoAmI(token);
    api.storeToken(token);
    $('token').value = '';
    $('token').removeAttribute('aria-invalid');
    error.textContent = '';
    await enter(agent);
    $('main').focus();
  } catch (err) {
    $('token').setAttribute('aria-invalid', 'true');
    if (err instanceof api.ApiError && (err.status === 401 || err.status === 403)) error.textContent = 'That token is not accepted. Check it and try again.';
    else if (err instanceof api.ApiError && err.status === 503) error.textContent = 'The agents API is turned off on this server.';
    else error.textContent = 'The server cannot be reached. Try again in a moment.';
  }
}

function wire() {
  const typeSelect = $('filter-type');
  for (const [value, label] of Object.entries(TYPE_LABELS)) typeSelect.append(el('option', label, { value }));
  const updated = el('p', '', { id: 'updated-at', class: 'updated-at' });
  $('live-status').after(updated);

  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => signOut('You are signed out.'));
  $('filters').addEventListener('change', () => {
    state.signature = null;
    state.seen = new Map();
    refresh({ quiet: true });
  });
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('claim').addEventListener('click', () => act((id) => api.claim(id), (t) => `You claimed ${t.id}.`));
  $('cancel').addEventListener('click', () => {
    $('cancel-confirm').hidden = false;
    $('cancel-confirm').focus();
  });
  $('cancel-confirm').addEventListener('click', () => {
    $('cancel-confirm').hidden = true;
    act((id) => api.cancel(id), (t) => `${t.id} is cancelled.`);
  });
  $('note-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('note-text').value.trim();
    if (!text) {
      actionMessage('Type the note first.');
      $('note-text').focus();
      return;
    }
    const visible = new FormData(e.target).get('audience') === 'person';
    const anyway = $('note-unverified').checked;
    act(
      (id) => api.addNote(id, text, visible, anyway),
      (t) => {
        $('note-text').value = '';
        $('note-unverified').checked = false;
        if (!visible) return `Note added to ${t.id} for the team.`;
        return t.verification.verified || anyway
          ? `Note added to ${t.id} and sent to the person.`
          : `Note added to ${t.id}. It was not sent: the person's identity was not proven.`;
      },
    );
  });
  $('callback-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const claimedText = $('callback-claim').hidden ? '' : $('callback-claimed').value.trim();
    const claimed = !claimedText ? {} : claimedText.includes('@') ? { email: claimedText } : { staffId: claimedText };
    let calling = '';
    act(
      (id) =>
        api.verifyByCallback(id, claimed).then((r) => {
          calling = r.destinationMasked;
          return r.ticket;
        }),
      (t) => {
        $('callback-claimed').value = '';
        return `Calling the number on record ending ${calling.replace(/\D/g, '').slice(-3)} for ${t.id}. The outcome will show here when the call ends.`;
      },
    );
  });
  $('second-check-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const note = $('second-check-note').value.trim();
    if (!note) {
      actionMessage('Say what was checked first.');
      $('second-check-note').focus();
      return;
    }
    const method = new FormData(e.target).get('method') === 'callback' ? 'callback' : 'line_manager';
    act(
      (id) => api.recordSecondCheck(id, method, note),
      (t) => {
        $('second-check-note').value = '';
        return `Second check recorded on ${t.id}: the Temporary Access Pass may now be issued.`;
      },
    );
  });
  $('resolve-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const resolution = $('resolution').value.trim();
    if (!resolution) {
      actionMessage('Type the resolution first.');
      $('resolution').focus();
      return;
    }
    const anyway = $('resolve-unverified').checked;
    act(
      (id) => api.resolve(id, resolution, anyway),
      (t) => {
        $('resolution').value = '';
        $('resolve-unverified').checked = false;
        return t.verification.verified || anyway ? `${t.id} is resolved.` : `${t.id} is resolved. The person was told, without the resolution text: their identity was not proven.`;
      },
    );
  });
}

async function start() {
  wire();
  const token = api.storedToken();
  if (!token) return;
  try {
    await enter(await api.whoAmI(token));
  } catch (err) {
    signOut(err instanceof api.ApiError && err.status !== 503 ? 'Your token is no longer accepted. Please sign in again.' : 'The server cannot be reached. Sign in again in a moment.');
  }
}

start();
