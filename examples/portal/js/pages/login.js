// login.html: log in with an email (Connect identity) or a NIR, and a password (SPEC.md §3.2).
// With ?auth_request=ID it is GUICHET_LOGIN_URL, the login page of another site's OpenID Connect
// authorisation request (SPEC.md §9): it names that site, logs in or reuses this tab's session,
// goes through the required actions, accepts the request and follows its redirect_to.
import { ACTION_PAGES, continueAfter, dropAuthRequest, holdAuthRequest } from '../actions.js';
import { request, segment } from '../api.js';
import { field } from '../fields.js';
import { actionButton, fieldForm } from '../form.js';
import { authorised, currentSession, logout, requiredActionsOf, startSession } from '../session.js';
import { el, go, link, page, safeRedirect } from '../ui.js';

const app = page();
const authRequest = new URLSearchParams(location.search).get('auth_request');

if (authRequest) {
  await authRequestLogin(authRequest);
} else {
  if (currentSession()) continueAfter(currentSession().requiredActions);
  else app.replaceChildren(loginForm({ onSession: (answer) => continueAfter(requiredActionsOf(answer)) }), otherLinks());
}

function loginForm({ identifier, onSession }) {
  return fieldForm({
    name: 'login',
    fields: [field('identifier', { value: identifier }), field('password')],
    submitLabel: 'Se connecter',
    async onSubmit(values) {
      const answer = await request('POST', '/v1/sessions', { body: values });
      startSession(answer);
      await onSession(answer);
    },
    onProblem: (error, box, form) => {
      const ways = wayOut(error, form.values());
      if (ways) box.append(el('p', { class: 'links' }, ways));
    },
  }).form;
}

// The outcomes of SPEC.md §3.2 that have a procedure: the link to it, under the API's message.
function wayOut(error, values) {
  switch (error.code) {
    case 'account_locked': // seed 000: « Cliquez alors sur : Débloquez votre compte. »
      return link('Débloquez votre compte.', 'unlock.html');
    case 'password_not_created':
      return link("J'ai oublié mon mot de passe", 'recovery.html');
    case 'no_account':
      return link('Créer mon Espace personnel', 'registration.html');
    case 'account_not_activated':
      return actionButton("Renvoyer l'email d'activation", async () =>
        (await request('POST', '/v1/activations/resend', { body: { email: values.identifier } })).message);
    default:
      return null;
  }
}

function otherLinks() {
  return el('ul', { class: 'links' },
    el('li', {}, link("J'ai oublié mon mot de passe", 'recovery.html')),
    el('li', {}, link('Débloquer mon compte', 'unlock.html')),
    el('li', {}, link('Créer mon Espace personnel', 'registration.html')));
}

// --- The login page of an authorisation request (the OpenID Connect provider's GUICHET_LOGIN_URL).

async function authRequestLogin(id) {
  let info;
  try {
    info = await request('GET', `/v1/auth-requests/${segment(id)}`);
  } catch (error) {
    return authRequestOver(error);
  }
  holdAuthRequest(id, info.expires_at);
  const intro = el('p', { class: 'client' }, 'Pour continuer vers ', el('strong', {}, info.client.name), ', connectez-vous.');
  const cancel = actionButton(`Annuler et revenir à ${info.client.name}`, async () => {
    const answer = await request('POST', `/v1/auth-requests/${segment(id)}/reject`);
    dropAuthRequest();
    follow(answer.redirect_to);
  });
  const notice = el('div', { class: 'problem', role: 'alert', hidden: true });
  const form = loginForm({
    identifier: info.login_hint ?? undefined,
    onSession: async (answer) => {
      const actions = requiredActionsOf(answer);
      if (actions.length) return continueAfter(actions); // they come back here afterwards
      return accept(id, notice);
    },
  });
  app.replaceChildren(intro, notice, form, cancel, otherLinks());

  // This tab's session goes on unless the site asks for a fresh login (prompt=login); the API
  // judges max_age and answers reauthentication_required.
  if (currentSession() && !(info.prompt ?? []).includes('login')) await accept(id, notice);
}

async function accept(id, notice) {
  try {
    const answer = await authorised('POST', `/v1/auth-requests/${segment(id)}/accept`);
    dropAuthRequest();
    follow(answer.redirect_to);
  } catch (error) {
    if (!error.problem) throw error;
    switch (error.code) {
      case 'required_actions_pending': { // the actions' pages, then back here
        const actions = Array.isArray(error.problem.required_actions)
          ? error.problem.required_actions
          : (await authorised('GET', '/v1/me')).required_actions;
        if (actions.some((action) => ACTION_PAGES[action])) return continueAfter(actions);
        notice.replaceChildren(el('p', {}, error.problem.title)); // none this portal knows: no loop
        notice.hidden = false;
        return undefined;
      }
      case 'reauthentication_required': // the password again: the form's new session retries
      case 'unauthorized':
        await logout();
        notice.replaceChildren(el('p', {}, error.problem.title));
        notice.hidden = false;
        return undefined;
      default:
        return authRequestOver(error);
    }
  }
}

// Unknown, expired (10 minutes) or already used: the API's message, and the way back to the site
// (redirect_to, with error=access_denied, so it can start again).
function authRequestOver(error) {
  dropAuthRequest();
  const box = el('div', { class: 'problem', role: 'alert' }, el('p', {}, error.problem?.title ?? String(error)));
  const back = error.problem?.redirect_to;
  if (back) {
    box.append(el('p', { class: 'links' }, el('a', { href: safeRedirect(back) },
      error.problem.client_name ? `Revenir à ${error.problem.client_name}` : 'Revenir au site')));
  }
  app.replaceChildren(box, el('p', { class: 'links' }, link('Aller à mon Espace personnel', 'login.html')));
}

function follow(redirectTo) {
  location.assign(safeRedirect(redirectTo));
}
