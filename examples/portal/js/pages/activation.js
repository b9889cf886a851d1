// activation/?token=…: the activation link mailed at the end of registration (seed 003, 15
// days, single use). The account becomes active; the member then logs in with the email.
import { request } from '../api.js';
import { el, link, page, stop } from '../ui.js';

const app = page();
const token = new URLSearchParams(location.search).get('token');

if (!token) {
  stop(app, "Ce lien est incomplet : ouvrez le lien reçu dans l'email d'activation.", link('Se connecter', 'login.html'));
} else {
  try {
    const answer = await request('POST', '/v1/activations', { body: { token } });
    app.replaceChildren(el('div', { class: 'messages', role: 'status' }, el('p', {}, answer.message)),
      el('p', { class: 'links' }, link('Se connecter', 'login.html')));
    app.dataset.state = 'activated';
  } catch (error) {
    if (!error.problem) throw error;
    stop(app, error.problem.title, link('Se connecter', 'login.html'), ' ', link('Créer mon Espace personnel', 'registration.html'));
  }
}
