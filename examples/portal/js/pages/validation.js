// validation/?token=…: the link that validates a new email identifier (seed 002, 24 hours, single
// use). The switch is made and a session opens; the NIR no longer logs in.
import { continueAfter } from '../actions.js';
import { request } from '../api.js';
import { startSession, requiredActionsOf } from '../session.js';
import { flash, link, page, stop } from '../ui.js';

const app = page();
const token = new URLSearchParams(location.search).get('token');

if (!token) {
  stop(app, "Ce lien est incomplet : ouvrez le lien reçu dans l'email de validation.", link('Se connecter', 'login.html'));
} else {
  try {
    const answer = await request('POST', '/v1/email-validations', { body: { token } });
    startSession(answer);
    flash(answer.message);
    continueAfter(requiredActionsOf(answer));
  } catch (error) {
    if (!error.problem) throw error;
    stop(app, error.problem.title, link('Se connecter', 'login.html'));
  }
}
