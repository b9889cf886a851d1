// The API's generic flow loop (docs/API.md §1): every procedure of the seeds that takes several
// steps (registration, unlock, forgot password, identifier switch) is a flow. The loop shows the
// flow's `messages` (French, from the API), one form per entry of `next_steps` with its
// `fields`, sends the one the member fills in with POST /v1/flows/{id}/steps/{name}, and shows
// the flow the API answers; a problem stays on the form. Once `next_steps` is empty the flow is
// over and the page offers what comes next. Nothing here knows one flow from another.
import { request, segment } from './api.js';
import { field } from './fields.js';
import { actionButton, fieldForm } from './form.js';
import { authorised } from './session.js';
import { el, messageList } from './ui.js';

// What the step's button says (the portal's chrome); a step not listed says "Continuer".
const SUBMIT = {
  channel: 'Suivant',
  code: 'Valider',
  security_answer: 'Valider',
  credentials: 'Valider',
  connect_password: 'Valider',
};
// A step without fields is one button (recovery's `resend`).
const ACTIONS = { resend: 'Renvoyer un nouveau code' };

// showFlow(root, flow, options) renders the flow into root and drives it from there.
// options: bearer (steps need the session's token: the identifier switch), fieldOptions (per
// field name, e.g. a gauge's context), onAnswer(flow) (each answer, before it is shown),
// onEnd(flow, root) (next_steps empty), onProblem(error, box), restart() (flow expired).
export function showFlow(root, flow, options = {}) {
  root.dataset.flow = flow.type;
  root.dataset.state = flow.state;
  remember(flow);
  const forms = flow.next_steps.map((step) => stepForm(root, flow, step, options));
  root.replaceChildren(messageList(flow.messages.map((m) => m.text), { dataset: { messages: flow.messages.map((m) => m.code).join(' ') } }), ...forms);
  if (flow.next_steps.length === 0) options.onEnd?.(flow, root);
  root.querySelector('input, select')?.focus();
}

function stepForm(root, flow, step, options) {
  const send = async (body) => {
    const path = `/v1/flows/${segment(flow.id)}/steps/${segment(step.name)}`;
    const answer = options.bearer ? await authorised('POST', path, { body }) : await request('POST', path, { body });
    options.onAnswer?.(answer);
    showFlow(root, answer, options);
  };
  if (step.fields.length === 0) {
    return el('div', { class: 'step', dataset: { step: step.name } }, actionButton(ACTIONS[step.name] ?? 'Continuer', () => send({})));
  }
  // A step that sets a password typed twice gets the gauge on the first.
  const newPassword = step.fields.includes('password_confirmation');
  const fields = step.fields.map((name) => field(name, {
    flow,
    newPassword,
    value: name === 'email' ? flow.proposed_email : undefined,
    label: name === 'answer' && flow.question ? flow.question.label : undefined,
    ...options.fieldOptions?.[name],
  }));
  return fieldForm({
    name: step.name,
    fields,
    submitLabel: SUBMIT[step.name] ?? 'Continuer',
    onSubmit: send,
    onProblem: (error, box, form) => {
      if ((error.code === 'flow_expired' || error.code === 'not_found') && options.restart) {
        forget(flow.type);
        box.append(el('p', {}, actionButton('Recommencer', async () => options.restart())));
      }
      options.onProblem?.(error, box, form);
    },
  }).form;
}

// A page that starts a flow: resumes the one this tab was in (a reload), or shows the start form.
// flowPage(root, { type, startFields, startLabel, start(values) → flow, bearer, ...showFlow options })
export async function flowPage(root, options) {
  const restart = () => startForm(root, options);
  const settings = { ...options, restart };
  const id = sessionStorage.getItem(KEY + options.type);
  if (id) {
    try {
      const path = `/v1/flows/${segment(id)}`;
      const flow = options.bearer ? await authorised('GET', path) : await request('GET', path);
      if (flow.next_steps.length > 0) return showFlow(root, flow, settings);
    } catch {
      // Gone (expired, purged) or not this session's: start again.
    }
    forget(options.type);
  }
  return restart();
}

function startForm(root, options) {
  const settings = { ...options, restart: () => startForm(root, options) };
  root.dataset.flow = options.type;
  root.dataset.state = 'start';
  if (!options.startFields) return startWithoutForm(root, settings);
  const form = fieldForm({
    name: 'start',
    fields: options.startFields.map((name) => field(name, options.fieldOptions?.[name])),
    submitLabel: options.startLabel ?? 'Continuer',
    onSubmit: async (values) => showFlow(root, await options.start(values), settings),
    onProblem: options.onProblem,
  });
  root.replaceChildren(...(options.intro ?? []), form.form);
  form.fields[0]?.focus();
}

// The identifier switch starts without a form (the session is its input).
async function startWithoutForm(root, settings) {
  try {
    showFlow(root, await settings.start({}), settings);
  } catch (error) {
    if (!error.problem) throw error;
    const box = el('div', { class: 'problem', role: 'alert' }, el('p', {}, error.problem.title));
    settings.onProblem?.(error, box);
    root.replaceChildren(box);
  }
}

// The flow of each type this tab is in, so a reload goes on with it; its id is no secret (its
// steps still need the member's answers), but it is forgotten once the flow is over.
const KEY = 'guichet.flow.';
function remember(flow) {
  if (flow.next_steps.length > 0) sessionStorage.setItem(KEY + flow.type, flow.id);
  else forget(flow.type);
}
export const forget = (type) => sessionStorage.removeItem(KEY + type);
