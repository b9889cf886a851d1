// switch.html: from the NIR to an email identifier (seed 002, required action switch_identifier,
// or offered). The flow proposes the contact email; an existing Connect identity is proven by its
// password, otherwise a new password and secret question are set. The proposed email switches at
// once (the answer carries the session's new access token); another one gets a validation link.
import { continueAfter, onActionPage } from '../actions.js';
import { flowPage } from '../flow.js';
import { actionButton } from '../form.js';
import { authorised, logout, updateAccess } from '../session.js';
import { el, go, page } from '../ui.js';

const app = page();

if (onActionPage('switch_identifier', { alsoWithout: true })) {
  const me = await authorised('GET', '/v1/me').catch(() => ({}));
  let email = '';
  await flowPage(app, {
    type: 'identifier_switch',
    bearer: true,
    start: () => authorised('POST', '/v1/flows/identifier-switch'),
    fieldOptions: {
      password: { gaugeContext: () => ({ email, first_name: me.first_name, last_name: me.last_name }) },
    },
    onAnswer: (flow) => {
      updateAccess(flow); // state done: the same session, without switch_identifier
    },
    onEnd: (flow, root) => {
      if (flow.state === 'done') {
        root.append(el('p', { class: 'links' }, el('button', { type: 'button', onclick: () => continueAfter(flow.required_actions) }, 'Accéder à mon Espace personnel')));
      } else if (flow.state === 'validation_sent') {
        root.append(actionButton('Se déconnecter', async () => {
          await logout();
          go('login.html');
        }));
      }
    },
  });
  // The gauge also knows the address chosen at the previous step, which the flow's message names.
  app.addEventListener('submit', (event) => {
    const chosen = event.target.querySelector('[name=email]');
    if (chosen) email = chosen.value;
  }, true);
}
