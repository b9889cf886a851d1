// Where a member goes next. A session with required actions (SPEC.md §8: change_password,
// confirm_contacts, verify_email, switch_identifier, in that order) opens nothing else until they
// are done: each has its page, and the API says which are left after each one. Then the member
// goes back to the authorisation request they came with (another site's login), or home.
import { currentSession } from './session.js';
import { go } from './ui.js';

export const ACTION_PAGES = {
  change_password: 'password.html',
  confirm_contacts: 'contacts.html',
  verify_email: 'email.html',
  switch_identifier: 'switch.html',
};

export function continueAfter(actions = []) {
  const next = actions.find((action) => ACTION_PAGES[action]);
  if (next) return go(ACTION_PAGES[next]);
  const pending = pendingAuthRequest();
  if (pending) return go('login.html', { auth_request: pending });
  return go('index.html');
}

// The first required action, when the session has one the portal knows.
export const nextAction = (session = currentSession()) => session?.requiredActions?.find((action) => ACTION_PAGES[action]);

// The page of a required action, opened by a session that must do another one first (or none):
// sends the member where they belong; true when the page should go on.
export function onActionPage(action, { alsoWithout = false } = {}) {
  const session = currentSession();
  if (!session) {
    go('login.html');
    return false;
  }
  const next = nextAction(session);
  if (next === action || (!next && alsoWithout)) return true;
  continueAfter(session.requiredActions);
  return false;
}

// The authorisation request (GUICHET_LOGIN_URL?auth_request=ID) this tab is logging in for, kept
// while the member goes through the required actions, or forgot the password, until it expires.
const AUTH_REQUEST = 'guichet.auth_request';
export function pendingAuthRequest() {
  try {
    const { id, expiresAt } = JSON.parse(sessionStorage.getItem(AUTH_REQUEST));
    if (Date.parse(expiresAt) > Date.now()) return id;
  } catch {
    // none
  }
  dropAuthRequest();
  return null;
}
export const holdAuthRequest = (id, expiresAt) => sessionStorage.setItem(AUTH_REQUEST, JSON.stringify({ id, expiresAt }));
export const dropAuthRequest = () => sessionStorage.removeItem(AUTH_REQUEST);
