// email.html: confirm the contact email with the 4-digit code it receives (seed 004, required
// action verify_email; 30 minutes, 5 tries). The code is sent on arrival; a new one can be asked
// for (at most one a minute: the API's rate_limited says so).
import { continueAfter, onActionPage } from '../actions.js';
import { field } from '../fields.js';
import { actionButton, fieldForm } from '../form.js';
import { authorised, updateAccess } from '../session.js';
import { el, flash, page } from '../ui.js';

const app = page();

if (onActionPage('verify_email')) {
  const sent = el('div', { class: 'messages', role: 'status' });
  const send = async () => {
    const answer = await authorised('POST', '/v1/me/email-verification');
    sent.replaceChildren(el('p', {}, answer.message));
    app.dataset.state = 'code_sent';
  };
  const form = fieldForm({
    name: 'verify_email',
    fields: [field('code', { label: 'Saisir le code de confirmation', maxlength: 4 })],
    submitLabel: 'Valider',
    async onSubmit(values) {
      const answer = await authorised('POST', '/v1/me/email-verification/confirm', { body: values });
      updateAccess(answer);
      flash(answer.message); // « Votre adresse email a été vérifiée. »
      continueAfter(answer.required_actions);
    },
  });
  app.replaceChildren(sent, form.form, actionButton('Renvoyer un nouveau code', send));
  try {
    await send();
  } catch (error) {
    if (!error.problem) throw error;
    // A code sent less than a minute ago (a reload) still works: say why no new one came.
    sent.replaceChildren(el('p', { class: 'problem' }, error.problem.title));
  }
  form.fields[0].focus();
}
