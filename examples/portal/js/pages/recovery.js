// recovery.html: forgot password (seed 004; seed 002 for an email identifier). The identifier,
// and the birth date with a NIR; then the channel, the 6-digit security code (a new one can be
// asked for), and for a member who never logged in the security question of their member type.
// The API says what was sent: a temporary password (SMS, email or letter), or a reset link.
import { request } from '../api.js';
import { flowPage } from '../flow.js';
import { el, link, page } from '../ui.js';

const app = page();
const withNir = (values) => !String(values.identifier ?? '').includes('@');

await flowPage(app, {
  type: 'recovery',
  startFields: ['identifier', 'birth_date'],
  startLabel: 'Suivant',
  fieldOptions: {
    identifier: { hint: 'Votre adresse email, ou votre n° de sécurité sociale' },
    birth_date: { when: withNir, hint: 'Avec un n° de sécurité sociale, au format jj/mm/aaaa' },
  },
  start: (values) => request('POST', '/v1/flows/recovery', { body: values }),
  onEnd: (flow, root) => {
    if (flow.state === 'temp_password_sent' || flow.state === 'letter_sent') {
      root.append(el('p', { class: 'links' }, link('Accéder à mon Espace personnel', 'login.html')));
    }
  },
});
