// unlock.html: a NIR locked after 3 wrong passwords (seeds 000, 001). NIR and birth date, then
// the channel (one known channel is used at once, and the API says which): by SMS a temporary
// password to log in with, by email a link to choose a new password.
import { request } from '../api.js';
import { flowPage } from '../flow.js';
import { el, link, page } from '../ui.js';

const app = page();

await flowPage(app, {
  type: 'unlock',
  startFields: ['nir', 'birth_date'],
  startLabel: 'Suivant',
  start: (values) => request('POST', '/v1/flows/unlock', { body: values }),
  onProblem: (error, box) => {
    // « Votre compte n'est pas bloqué. »: the forgot-password procedure instead (seed 000).
    if (error.code === 'account_not_locked') box.append(el('p', { class: 'links' }, link("J'ai oublié mon mot de passe", 'recovery.html')));
    if (error.code === 'identifier_migrated') box.append(el('p', { class: 'links' }, link('Se connecter avec mon adresse email', 'login.html')));
  },
  onEnd: (flow, root) => {
    if (flow.state === 'temp_password_sent') root.append(el('p', { class: 'links' }, link('Se connecter avec le mot de passe temporaire', 'login.html')));
  },
});
