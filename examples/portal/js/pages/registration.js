// registration.html: account creation (seed 003). The NIR's 13 digits; then the Connect identity,
// new (email, password with the gauge, typed twice, a secret question) or existing (its email
// and password); then the personal information checked against the member registry. The API
// then mails the activation link (15 days), which activation/ follows.
import config from '../../config.js';
import { request } from '../api.js';
import { flowPage } from '../flow.js';
import { page } from '../ui.js';

const app = page();
let email = ''; // the gauge weighs the password against the address typed beside it
app.addEventListener('input', (event) => {
  if (event.target.name === 'email') email = event.target.value;
});

await flowPage(app, {
  type: 'registration',
  startFields: ['nir'],
  startLabel: 'Continuer',
  fieldOptions: {
    nir: { label: 'Votre numéro de sécurité sociale', hint: '13 chiffres, sans la clé', maxlength: 13 },
    email: {
      label: "Votre courriel d'identification",
      hint: `Cette adresse email sera utilisée comme identifiant de votre compte ${config.brand} Connect`,
    },
    password: { label: 'Mot de passe', gaugeContext: () => ({ email }) },
  },
  start: (values) => request('POST', '/v1/flows/registration', { body: values }),
});
