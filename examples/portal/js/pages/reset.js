// reinitialisation/?token=…: the page of the reset links the API mails (unlock by email, forgot
// password with an email, a locked or never-validated Connect identity; 1 hour, single use).
// A new password, typed twice, with the gauge; the answer to the secret question when the
// identity has one: the API says so (validation_error on secret_answer), and the field appears.
// The answer opens a session when an account goes with the identity.
import { continueAfter } from '../actions.js';
import { request } from '../api.js';
import { field } from '../fields.js';
import { fieldForm } from '../form.js';
import { requiredActionsOf, startSession } from '../session.js';
import { el, flash, link, page, stop } from '../ui.js';

const app = page();
const token = new URLSearchParams(location.search).get('token');

if (!token) {
  stop(app, 'Ce lien est incomplet : ouvrez le lien reçu par email.', link("J'ai oublié mon mot de passe", 'recovery.html'));
} else {
  let asked = false;
  const form = fieldForm({
    name: 'reset',
    fields: [
      field('password', { newPassword: true }),
      field('password_confirmation', { label: 'Confirmez votre nouveau mot de passe' }),
      field('secret_answer', { label: 'Réponse à votre question secrète', when: () => asked }),
    ],
    submitLabel: 'Valider',
    async onSubmit(values) {
      const answer = await request('POST', '/v1/password-resets', { body: { token, ...values } });
      if (answer.access_token) {
        startSession(answer);
        flash(answer.message);
        continueAfter(requiredActionsOf(answer));
      } else {
        app.replaceChildren(el('div', { class: 'messages', role: 'status' }, el('p', {}, answer.message)),
          el('p', { class: 'links' }, link('Se connecter', 'login.html')));
      }
    },
    onProblem: (error, box) => {
      if (error.problem.field === 'secret_answer') asked = true;
      if (error.code === 'link_expired') box.append(el('p', { class: 'links' }, link("J'ai oublié mon mot de passe", 'recovery.html')));
    },
  });
  app.replaceChildren(form.form);
  form.fields[0].focus();
}
