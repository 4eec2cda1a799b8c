import { api, ApiError, type CreatedPersonalAccessToken, type TokenPolicy } from './api-client';
import { h } from './dom';
import { field } from './field';
import { formatDate, formatDays } from './format';
import { tokenNameProblem } from './validation';

const DAY_MS = 24 * 60 * 60 * 1000;
const PREFERRED_DEFAULT_DAYS = 30;

export interface AddTokenDialog {
  element: HTMLDialogElement;
  open(opener: HTMLElement): void;
}

/**
 * "+ Add Token": a modal <dialog>, so the browser traps focus and Escape closes it. Focus goes to
 * the name on open and back to the opener on cancel; on success the caller decides (the secret).
 */
export function addTokenDialog(policy: TokenPolicy, onCreated: (token: CreatedPersonalAccessToken) => void): AddTokenDialog {
  const { min_expiration_days: min, max_expiration_days: max } = policy.personal_access_token;
  const name = field(
    'token-name',
    'Name',
    h('input', { type: 'text', name: 'name', autocomplete: 'off', required: true }),
    'What is this token for? For example “CI deploys”.',
  );

  const select = h('select', { name: 'expiration_days' });
  for (let days = min; days <= max; days += 1) select.append(h('option', { value: String(days) }, formatDays(days)));
  select.value = String(Math.min(Math.max(PREFERRED_DEFAULT_DAYS, min), max));
  const expiration = field('token-expiration', 'Token Expiration', select);
  const expiresOn = h('p', { class: 'field-hint', id: 'token-expiration-date', 'aria-live': 'polite' });
  const updateExpiresOn = () => {
    expiresOn.textContent = `Expires around ${formatDate(new Date(Date.now() + Number(select.value) * DAY_MS))}.`;
  };
  select.addEventListener('change', updateExpiresOn);
  expiration.wrapper.append(expiresOn);

  const formError = h('p', { class: 'form-error', role: 'alert', id: 'add-token-error', hidden: true });
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Generate Token');
  const form = h(
    'form',
    { novalidate: true },
    h('h2', { id: 'add-token-title' }, 'Add Token'),
    formError,
    name.wrapper,
    expiration.wrapper,
    h('div', { class: 'actions' }, cancel, submit),
  );
  const dialog = h('dialog', { class: 'add-token-dialog', 'aria-labelledby': 'add-token-title' }, form);

  let opener: HTMLElement | null = null;
  let created = false;

  const showFormError = (message: string | null) => {
    formError.textContent = message ?? '';
    formError.hidden = message === null;
  };
  const reset = () => {
    form.reset();
    select.value = String(Math.min(Math.max(PREFERRED_DEFAULT_DAYS, min), max));
    name.showError(null);
    expiration.showError(null);
    showFormError(null);
    updateExpiresOn();
  };

  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (!created) opener?.focus();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    showFormError(null);
    const nameError = tokenNameProblem(name.control.value);
    const days = Number(select.value);
    const daysError =
      Number.isInteger(days) && days >= min && days <= max ? null : `Choose between ${formatDays(min)} and ${formatDays(max)}.`;
    name.showError(nameError);
    expiration.showError(daysError);
    if (nameError) return name.control.focus();
    if (daysError) return select.focus();

    submit.disabled = true;
    submit.textContent = 'Generating…';
    api
      .createToken(name.control.value.trim(), days)
      .then((token) => {
        created = true;
        dialog.close();
        onCreated(token);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.problem.errors?.length) {
          const unplaced: string[] = [];
          for (const fieldError of error.problem.errors) {
            if (fieldError.field === 'name') name.showError(capitalise(fieldError.message));
            else if (fieldError.field === 'expiration_days') expiration.showError(capitalise(fieldError.message));
            else unplaced.push(`${fieldError.field}: ${fieldError.message}`);
          }
          showFormError(unplaced.length ? unplaced.join(' ') : 'Fix the highlighted fields and try again.');
          const firstBad = error.problem.errors.some((e) => e.field === 'name') ? name.control : select;
          firstBad.focus();
        } else if (error instanceof ApiError) {
          showFormError(error.problem.detail ?? error.problem.title);
        } else {
          showFormError('The token could not be created. Try again.');
        }
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = 'Generate Token';
      });
  });

  return {
    element: dialog,
    open(from) {
      opener = from;
      created = false;
      reset();
      dialog.showModal();
      name.control.focus();
    },
  };
}

function capitalise(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1);
}
