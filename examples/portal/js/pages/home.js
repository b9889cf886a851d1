// index.html: the « Espace personnel » once logged in (GET /v1/me): who the member is, how they
// log in, their contacts, their sessions (GET /v1/sessions, each can be ended), and the ways to
// change the password or the contacts. A session with required actions is sent to them first.
import { ACTION_PAGES, continueAfter } from '../actions.js';
import { segment } from '../api.js';
import { actionButton } from '../form.js';
import { authorised, currentSession, endSession } from '../session.js';
import { el, go, link, page, stop } from '../ui.js';

const app = page();
const MEMBER_TYPES = { particulier: 'Particulier', exploitant: 'Exploitant', entreprise: 'Entreprise', tiers: 'Tiers' };

if (!currentSession()) {
  go('login.html');
} else {
  try {
    const me = await authorised('GET', '/v1/me');
    if (me.required_actions.some((action) => ACTION_PAGES[action])) continueAfter(me.required_actions);
    else render(me);
  } catch (error) {
    if (!error.problem) throw error;
    if (error.status === 401) endSession();
    stop(app, error.problem.title, link('Se connecter', 'login.html'));
  }
}

function render(me) {
  const name = [me.first_name, me.last_name].filter(Boolean).join(' ');
  const identifier = me.identifier_kind === 'email'
    ? 'Votre adresse email (identifiant Connect)'
    : `Votre n° de sécurité sociale ${me.nir}`;
  app.replaceChildren(
    el('p', { class: 'welcome' }, 'Bonjour ', el('strong', { 'data-testid': 'member-name' }, name), '.'),
    section('Mon compte', details([
      ['Identifiant de connexion', identifier],
      ['N° de sécurité sociale', me.nir],
      ['Type d’adhérent', MEMBER_TYPES[me.member_type] ?? me.member_type],
    ]), el('ul', { class: 'links' },
      me.offered_actions?.includes('switch_identifier') ? el('li', {}, link('Choisir mon adresse email comme identifiant', 'switch.html')) : null,
      el('li', {}, link('Modifier mon mot de passe', 'password.html')))),
    section('Mes coordonnées', details([
      ['Adresse email', me.contacts.email],
      ['Téléphone portable', me.contacts.mobile_phone],
      ['Téléphone fixe', me.contacts.landline_phone],
      ['Fax', me.contacts.fax],
    ]), el('ul', { class: 'links' }, el('li', {}, link('Modifier mes coordonnées', 'contacts.html')))),
    sessionsSection(),
  );
  app.dataset.state = 'home';
}

function section(title, ...children) {
  return el('section', { class: 'card' }, el('h2', {}, title), ...children);
}

function details(rows) {
  return el('dl', {}, rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value || '—')]));
}

function when(iso) {
  return new Date(iso).toLocaleString('fr-FR', { dateStyle: 'medium', timeStyle: 'short' });
}

// The member's active sessions: another browser, a lost phone… each can be ended here.
function sessionsSection() {
  const list = el('ul', { class: 'sessions' });
  const node = section('Mes sessions', list);
  const load = async () => {
    try {
      const sessions = await authorised('GET', '/v1/sessions');
      list.replaceChildren(...sessions.map((s) => el('li', {},
        `Ouverte le ${when(s.created_at)}, utilisée le ${when(s.last_used_at)}`,
        s.current ? el('strong', {}, ' (cette session)') : actionButton('Terminer cette session', async () => {
          await authorised('DELETE', `/v1/sessions/${segment(s.id)}`);
          await load();
        }))));
    } catch (error) {
      if (!error.problem) throw error;
      list.replaceChildren(el('li', { class: 'problem' }, error.problem.title));
    }
  };
  load();
  return node;
}
