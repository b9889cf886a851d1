// The member's session in this tab: the access token (15 minutes), the refresh token (rotated on
// every use) and the required actions, in sessionStorage, so it ends with the tab and other tabs
// of the same site do not share it. Never the password.
import { ApiError, request } from './api.js';

const KEY = 'guichet.session';
const EARLY_MS = 30_000; // refresh an access token this long before it expires

// What a session answer (login, refresh, password reset, email validation) says is left to do.
// The OpenID Connect contract nests it in `session`; today's API puts it at the top.
export const requiredActionsOf = (answer) => answer.required_actions ?? answer.session?.required_actions ?? [];

export function currentSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
}

function store(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

// A new session: login, refresh, password reset, email validation.
export function startSession(answer) {
  store({
    access: answer.access_token,
    refresh: answer.refresh_token,
    expiresAt: Date.now() + answer.expires_in * 1000,
    requiredActions: requiredActionsOf(answer),
  });
}

// The same session with a new access token (a required action done): the refresh token stays.
export function updateAccess(answer) {
  const session = currentSession();
  if (!session || !answer.access_token) return;
  store({
    ...session,
    access: answer.access_token,
    expiresAt: Date.now() + answer.expires_in * 1000,
    requiredActions: requiredActionsOf(answer),
  });
}

export function endSession() {
  sessionStorage.removeItem(KEY);
}

const sessionOver = () => new ApiError(401, { code: 'unauthorized', title: 'Votre session a expiré. Connectez-vous à nouveau.' });

// One refresh at a time: two calls that find the token old share the rotation (a refresh token
// used twice would revoke the session).
let refreshing = null;
export function refreshSession() {
  refreshing ??= (async () => {
    const session = currentSession();
    if (!session?.refresh) throw sessionOver();
    try {
      const answer = await request('POST', '/v1/sessions/refresh', { body: { refresh_token: session.refresh } });
      startSession(answer);
      return currentSession();
    } catch (error) {
      if (error.status === 401) endSession();
      throw error;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// A call with the session's Bearer token, refreshed first when it is about to expire, and once
// more when the API says the token is no longer good (`unauthorized`; not `invalid_credentials`,
// a wrong current password, which must not be sent twice).
export async function authorised(method, path, options = {}) {
  let session = currentSession();
  if (!session) throw sessionOver();
  if (session.expiresAt - Date.now() < EARLY_MS) session = await refreshSession();
  try {
    return await request(method, path, { ...options, token: session.access });
  } catch (error) {
    if (error.status !== 401 || error.code !== 'unauthorized') throw error;
    session = await refreshSession();
    return request(method, path, { ...options, token: session.access });
  }
}

export async function logout() {
  try {
    await authorised('DELETE', '/v1/sessions/current');
  } catch {
    // Ended already, or the API is away: the tab forgets it all the same.
  }
  endSession();
}
