// contacts.html: confirm the contact details (seed 004, required action confirm_contacts): the
// email is prefilled and editable, mobile, landline and fax optional. From a full session it
// edits them; a new email or mobile then needs the current password (SPEC.md §8).
import { continueAfter, onActionPage } from '../actions.js';
import { field } from '../fields.js';
import { fieldForm } from '../form.js';
import { authorised, currentSession, updateAccess } from '../session.js';
import { flash, page, stop, link } from '../ui.js';

const app = page();

if (onActionPage('confirm_contacts', { alsoWithout: true })) {
  const confirming = currentSession().requiredActions.includes('confirm_contacts');
  try {
    const { contacts } = await authorised('GET', '/v1/me');
    const fields = [
      field('email', { label: 'Votre adresse email', value: contacts.email ?? '' }),
      field('mobile_phone', { label: 'Votre numéro de téléphone portable', value: contacts.mobile_phone ?? '' }),
      field('landline_phone', { label: 'Votre numéro de téléphone fixe', value: contacts.landline_phone ?? '' }),
      field('fax', { label: 'Votre numéro de fax', value: contacts.fax ?? '' }),
      confirming ? null : field('current_password', { optional: true, hint: 'Pour changer votre adresse email ou votre téléphone portable' }),
    ].filter(Boolean);
    const form = fieldForm({
      name: 'contacts',
      fields,
      submitLabel: confirming ? 'Je confirme mes coordonnées' : 'Enregistrer',
      async onSubmit(values) {
        const answer = await authorised('PUT', '/v1/me/contacts', { body: values });
        updateAccess(answer);
        flash(answer.message);
        continueAfter(answer.required_actions);
      },
    });
    app.replaceChildren(form.form);
  } catch (error) {
    if (!error.problem) throw error;
    stop(app, error.problem.title, link('Se connecter', 'login.html'));
  }
}
