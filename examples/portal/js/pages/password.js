// password.html: personalise a temporary password (seed 004, required action change_password:
// no current password), or change it from a full session (the current password first). The
// gauge weighs it live against the member's own names and address; `faible` is refused, it is
// typed twice. The API's answer says « Votre mot de passe a bien été modifié. » and what is left.
import { continueAfter, onActionPage } from '../actions.js';
import { field } from '../fields.js';
import { fieldForm } from '../form.js';
import { authorised, currentSession, updateAccess } from '../session.js';
import { flash, page } from '../ui.js';

const app = page();

if (onActionPage('change_password', { alsoWithout: true })) {
  const personalising = currentSession().requiredActions.includes('change_password');
  const me = await authorised('GET', '/v1/me').catch(() => ({ contacts: {} }));
  const context = () => ({ email: me.contacts.email, first_name: me.first_name, last_name: me.last_name });
  const fields = [
    personalising ? null : field('current_password'),
    field('password', { newPassword: true, gaugeContext: context }),
    field('password_confirmation', { label: 'Confirmer le mot de passe' }),
  ].filter(Boolean);
  const form = fieldForm({
    name: personalising ? 'personalise' : 'change',
    fields,
    submitLabel: personalising ? 'Suivant' : 'Valider',
    async onSubmit(values) {
      const answer = await authorised('PUT', '/v1/me/password', { body: values });
      updateAccess(answer);
      flash(answer.message);
      continueAfter(answer.required_actions);
    },
  });
  app.replaceChildren(form.form);
  form.fields[0].focus();
}
