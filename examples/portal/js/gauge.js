// The live strength gauge of seed 004 (« faible / moyen / fort »): as the member types, the
// password goes to POST /v1/password-strength, which nothing stores or logs; only the newest
// answer is shown. The API is the judge: its level, and its advice in French. `faible` is
// refused when the form is sent, whatever the policy says.
import { request } from './api.js';
import { el } from './ui.js';

const WAIT_MS = 250; // after the last key, so a fast typist sends one request, not one per key

// gauge(input, () => ({ email, last_name, first_name })) → the gauge's element; the context
// words (the member's own names and address) lower the level.
export function gauge(input, context = () => ({})) {
  const level = el('strong', { class: 'gauge-level' });
  const bars = el('span', { class: 'gauge-bars', 'aria-hidden': 'true' }, el('span'), el('span'), el('span'));
  const advice = el('ul', { class: 'gauge-advice' });
  const node = el('div', { class: 'gauge', dataset: { level: '' }, 'aria-live': 'polite' },
    el('span', { class: 'gauge-title' }, 'Niveau de sécurité du mot de passe : '), level, bars, advice);

  let timer;
  let latest = 0;
  const show = (answer) => {
    node.dataset.level = answer ? answer.level : '';
    node.dataset.accepted = answer ? String(answer.accepted) : '';
    level.textContent = answer ? answer.level : '';
    advice.replaceChildren(...(answer ? answer.feedback.map((text) => el('li', {}, text)) : []));
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const asked = ++latest;
    const password = input.value;
    if (!password) {
      show(null);
      return;
    }
    timer = setTimeout(async () => {
      try {
        const answer = await request('POST', '/v1/password-strength', { body: { password, context: known(context()) } });
        if (asked === latest) show(answer);
      } catch {
        // No gauge for now (rate limit, network): the form's answer still judges the password.
      }
    }, WAIT_MS);
  });
  return node;
}

const known = (context) => Object.fromEntries(Object.entries(context ?? {}).filter(([, value]) => value));
