// The inputs of the API's forms. A flow's next_steps name their fields (docs/API.md §1) and the
// other routes' bodies use the same names; the API gives the names only, so their labels, the
// kind of input and whether one is optional are written here, once: the portal's chrome.
import config from '../config.js';
import { request } from './api.js';
import { gauge } from './gauge.js';
import { el } from './ui.js';

const brand = config.brand;
// Registration's `identity` step asks the new identity's password twice, its question and answer
// only with mode "new"; mode "existing" proves an identity's password.
const creatingIdentity = (values) => values.mode !== 'existing';

export const FIELDS = {
  identifier: { label: 'Identifiant', hint: 'Votre adresse email, ou votre n° de sécurité sociale', autocomplete: 'username', spellcheck: 'false' },
  password: { label: 'Mot de passe', newLabel: 'Votre nouveau mot de passe', type: 'password' },
  nir: { label: 'N° de sécurité sociale', autocomplete: 'off', spellcheck: 'false', maxlength: 15 },
  birth_date: { label: 'Date de naissance', hint: 'Au format jj/mm/aaaa', autocomplete: 'bday', inputmode: 'numeric', maxlength: 10 },
  channel: { label: 'Choisissez le canal de communication', kind: 'channel' },
  code: { label: 'Code de confirmation', autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6 },
  answer: { label: 'Votre réponse', kind: 'text' }, // its question is the flow's question.label
  mode: {
    label: `Votre identifiant ${brand} Connect`,
    kind: 'radio',
    value: 'new',
    options: [
      ['new', `Je n'ai pas encore de compte ${brand} Connect`],
      ['existing', `J'ai déjà un compte ${brand} Connect`],
    ],
  },
  email: { label: 'Adresse email', type: 'email', autocomplete: 'email', spellcheck: 'false' },
  password_confirmation: { label: 'Confirmez le mot de passe', type: 'password', autocomplete: 'new-password', when: creatingIdentity },
  current_password: { label: 'Votre mot de passe actuel', type: 'password', autocomplete: 'current-password' },
  secret_question_id: { label: 'Ma question secrète', kind: 'question', when: creatingIdentity },
  secret_answer: { label: 'Réponse à la question secrète', autocomplete: 'off', when: creatingIdentity },
  nir_key: { label: 'Clé de votre n° de sécurité sociale', hint: 'Les deux derniers chiffres de votre n° de sécurité sociale', inputmode: 'numeric', maxlength: 2 },
  last_name: { label: 'Nom de famille', autocomplete: 'family-name' },
  mobile_phone: { label: 'Téléphone portable', hint: 'N° de téléphone sans point ni espace, ex. 0612345678', type: 'tel', autocomplete: 'tel', optional: true },
  landline_phone: { label: 'Téléphone fixe', hint: 'Ex. 0123456789', type: 'tel', optional: true },
  fax: { label: 'Fax', type: 'tel', optional: true },
};

const CHANNELS = {
  sms: (destination) => `Par SMS au ${destination}`,
  email: (destination) => `Par email à l'adresse ${destination}`,
  letter: () => 'Par courrier postal',
};

let questions = null; // GET /v1/secret-questions, asked once per page
const secretQuestions = () => (questions ??= request('GET', '/v1/secret-questions'));

let counter = 0;

// field('email', { value, flow, newPassword, gaugeContext, ...overrides of FIELDS.email })
// → { name, row, value(), visible(values), refresh(values), showError(text), clearError(), focus() }
export function field(name, options = {}) {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const spec = { ...FIELDS[name], ...given };
  if (spec.newPassword && spec.newLabel && !given.label) spec.label = spec.newLabel;
  const id = `f${++counter}-${name}`;
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hint = spec.hint ? el('p', { class: 'hint', id: `${id}-hint` }, spec.hint) : null;
  const described = [hint && hint.id, error.id].filter(Boolean).join(' ');
  const optional = spec.optional ? el('span', { class: 'optional' }, ' (facultatif)') : null;

  let control; // what value() reads
  let row;
  let focusable;
  let meter = null;
  if (spec.kind === 'radio' || spec.kind === 'channel') {
    const choices = spec.kind === 'channel'
      ? (spec.flow?.channels ?? []).map((c) => [c.channel, (CHANNELS[c.channel] ?? (() => c.channel))(c.destination)])
      : spec.options;
    const radios = choices.map(([value, text], index) => {
      const radio = el('input', { type: 'radio', name, value, id: `${id}-${index}`, checked: value === spec.value || choices.length === 1 });
      return el('label', { class: 'choice', for: radio.id }, radio, ' ', text);
    });
    row = el('fieldset', { class: 'field', 'aria-describedby': described }, el('legend', {}, spec.label, optional), hint, radios, error);
    control = { get value() { return row.querySelector('input:checked')?.value ?? ''; } };
    focusable = () => row.querySelector('input');
  } else {
    let input;
    if (spec.kind === 'question') {
      input = el('select', { id, name, 'aria-describedby': described }, el('option', { value: '' }, 'Choisissez une question'));
      secretQuestions().then(
        (list) => input.append(...list.map((q) => el('option', { value: q.id }, q.label))),
        () => {}, // the step's answer will say what is wrong
      );
    } else {
      input = el('input', {
        id,
        name,
        type: spec.type ?? 'text',
        autocomplete: spec.autocomplete ?? (name === 'password' ? (spec.newPassword ? 'new-password' : 'current-password') : null),
        inputmode: spec.inputmode,
        maxlength: spec.maxlength,
        spellcheck: spec.spellcheck,
        'aria-describedby': described,
      });
      if (spec.value) input.value = spec.value;
    }
    const label = el('label', { for: id }, spec.label, optional);
    const parts = [label, hint, input];
    if (input.type === 'password') parts[2] = el('div', { class: 'password' }, input, revealButton(input));
    meter = name === 'password' && spec.newPassword ? gauge(input, spec.gaugeContext) : null;
    row = el('div', { class: 'field' }, parts, meter, error);
    control = input;
    focusable = () => input;
  }

  return {
    name,
    row,
    optional: Boolean(spec.optional),
    value: () => (spec.type === 'password' ? control.value : control.value.trim()),
    visible: (values) => !spec.when || spec.when(values),
    refresh(values) {
      row.hidden = !this.visible(values);
      if (meter) meter.hidden = !creatingIdentity(values); // no gauge for an existing identity's password
    },
    showError(text) {
      error.replaceChildren(text);
      error.hidden = false;
      focusable().setAttribute('aria-invalid', 'true');
    },
    clearError() {
      error.hidden = true;
      error.replaceChildren();
      focusable().removeAttribute('aria-invalid');
    },
    focus: () => focusable().focus(),
  };
}

// The "œil" of seed 004: shows or hides what is typed.
function revealButton(input) {
  const toggle = el('button', { type: 'button', class: 'reveal', 'aria-controls': input.id }, 'Afficher');
  toggle.addEventListener('click', () => {
    const hidden = input.type === 'password';
    input.type = hidden ? 'text' : 'password';
    toggle.textContent = hidden ? 'Masquer' : 'Afficher';
  });
  return toggle;
}
