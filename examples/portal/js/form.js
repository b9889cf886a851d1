// One form of fields (js/fields.js) that sends its values and shows what the API answers: a
// problem's French `title` (with its `detail` when it names the field at fault) next to that
// field, or above the button; the page may add a way out (a link to unlock…) for some codes.
import { button, el } from './ui.js';

// fieldForm({ name, fields, submitLabel, onSubmit(values), onProblem(error, box, form) }) →
// { form, values, showProblem, refresh, clear, fields }. Empty and hidden fields are not sent:
// the API says what is missing.
export function fieldForm({ fields, submitLabel, onSubmit, onProblem, name }) {
  const problem = el('div', { class: 'problem', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit' }, submitLabel);
  const form = el('form', { class: 'step', novalidate: true, dataset: name ? { step: name } : {} },
    fields.map((f) => f.row), problem, el('div', { class: 'actions' }, submit));

  const values = () => {
    const all = Object.fromEntries(fields.map((f) => [f.name, f.value()]));
    return Object.fromEntries(fields.filter((f) => f.visible(all) && all[f.name] !== '').map((f) => [f.name, all[f.name]]));
  };
  const refresh = () => {
    const all = Object.fromEntries(fields.map((f) => [f.name, f.value()]));
    for (const f of fields) f.refresh(all);
  };
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  refresh();

  const clear = () => {
    problem.hidden = true;
    problem.replaceChildren();
    fields.forEach((f) => f.clearError());
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values());
    } catch (error) {
      if (!error.problem) throw error;
      showProblem(error);
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  function showProblem(error) {
    onProblem?.(error, problem, api);
    refresh(); // onProblem may have shown a field (the reset link's secret answer)
    const { title, detail, field: at } = error.problem;
    const target = fields.find((f) => f.name === at && !f.row.hidden);
    if (target) {
      target.showError(detail && detail !== title ? `${title} ${capitalised(detail)}` : title);
      target.focus();
    }
    // The title above the button too, unless the field says it already and the page adds nothing.
    if (!target || problem.childNodes.length) problem.prepend(el('p', {}, title));
    problem.hidden = problem.childNodes.length === 0;
  }

  const api = { form, values, showProblem, refresh, clear, fields };
  return api;
}

const capitalised = (text) => (text ? text[0].toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.') : '');

// A button that does one thing (resend a code): the message its action returns, or the API's
// problem, shows beside it.
export function actionButton(text, action) {
  const status = el('div', { class: 'messages', role: 'status', hidden: true });
  const problem = el('div', { class: 'problem', role: 'alert', hidden: true });
  const node = button(text, { class: 'secondary' });
  node.addEventListener('click', async () => {
    problem.hidden = true;
    status.hidden = true;
    node.disabled = true;
    try {
      const message = await action();
      if (typeof message === 'string') {
        status.replaceChildren(el('p', {}, message));
        status.hidden = false;
      }
    } catch (error) {
      if (!error.problem) throw error;
      problem.replaceChildren(el('p', {}, error.problem.title));
      problem.hidden = false;
    } finally {
      node.disabled = false;
    }
  });
  return el('div', { class: 'action' }, node, status, problem);
}
