/**
 * The agents' REST API as the console uses it. The token lives in sessionStorage only: it is
 * never written to localStorage, a cookie or the address bar, and it goes away with the tab.
 */

const TOKEN_KEY = 'mfa-helpdesk.agent-token';

/** An answer of the API other than 2xx, with its status and JSON body. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}.`);
    this.status = status;
    this.body = body || {};
  }
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

async function call(method, path, body, token = storedToken()) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  let json = {};
  try {
    json = await res.json();
  } catch {
    json = {};
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** The agent a token belongs to; throws an ApiError for a token the server does not accept. */
export function whoAmI(token) {
  return call('GET', '/api/agent', undefined, token).then((r) => r.agent);
}

/** Every ticket matching the filters, following the API's pages (newest first), up to `max`. */
export async function listTickets(filters, max = 500) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ limit: '100' });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    if (cursor) q.set('cursor', cursor);
    const page = await call('GET', `/api/tickets?${q}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

export function getTicket(id) {
  return call('GET', `/api/tickets/${encodeURIComponent(id)}`);
}

export function stats(days = 7) {
  return call('GET', `/api/tickets/stats?days=${days}`);
}

export function claim(id) {
  return call('POST', `/api/tickets/${encodeURIComponent(id)}/claim`, {});
}

export function addNote(id, text, visibleToUser, sendToUnverifiedRequester = false) {
  return call('POST', `/api/tickets/${encodeURIComponent(id)}/notes`, { text, visibleToUser, sendToUnverifiedRequester });
}

export function resolve(id, resolution, sendToUnverifiedRequester = false) {
  return call('POST', `/api/tickets/${encodeURIComponent(id)}/resolve`, { resolution, sendToUnverifiedRequester });
}

/** Calls the requester's number on record; `claimed` is `{ email }` or `{ staffId }` for a ticket naming nobody. Answers `{ status, destinationMasked, ticket }`. */
export function verifyByCallback(id, claimed = {}) {
  return call('POST', `/api/tickets/${encodeURIComponent(id)}/verify-by-callback`, claimed);
}

/** Records the second check a lost phone's Temporary Access Pass waits for: `method` is `line_manager` or `callback`. */
export function recordSecondCheck(id, method, note) {
  return call('POST', `/api/tickets/${encodeURIComponent(id)}/second-check`, { method, note });
}

export function cancel(id) {
  return call('POST', `/api/tickets/${encodeURIComponent(id)}/cancel`, {});
}
