import { api, ApiError, type SessionInfo } from './api-client';
import { h } from './dom';
import { field } from './field';
import { emailProblem, passwordProblem } from './validation';

export function signInView(notice: string | null, onSignedIn: (session: SessionInfo) => void): HTMLElement {
  const email = field('sign-in-email', 'Email', h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true }));
  const password = field(
    'sign-in-password',
    'Password',
    h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }),
  );
  const formError = h('p', { class: 'form-error', role: 'alert', id: 'sign-in-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: '-1' }, 'Sign in to Tessera'),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    formError,
    email.wrapper,
    password.wrapper,
    h('div', { class: 'actions' }, submit),
  );

  const showFormError = (message: string | null) => {
    formError.textContent = message ?? '';
    formError.hidden = message === null;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    showFormError(null);
    const emailError = emailProblem(email.control.value);
    const passwordError = passwordProblem(password.control.value);
    email.showError(emailError);
    password.showError(passwordError);
    if (emailError) return email.control.focus();
    if (passwordError) return password.control.focus();

    submit.disabled = true;
    submit.textContent = 'Signing in…';
    api
      .signIn(email.control.value.trim(), password.control.value)
      .then(onSignedIn)
      .catch((error: unknown) => {
        password.control.value = '';
        if (error instanceof ApiError && error.status === 422 && error.problem.errors) {
          for (const fieldError of error.problem.errors) {
            if (fieldError.field === 'email') email.showError(fieldError.message);
            else if (fieldError.field === 'password') password.showError(fieldError.message);
          }
        }
        showFormError(signInFailureMessage(error));
        password.control.focus();
      })
      .finally(() => {
        submit.disabled = false;
        submit.textContent = 'Sign in';
      });
  });

  return h('main', { id: 'main', class: 'sign-in' }, form);
}

function signInFailureMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Sign-in failed. Try again.';
  if (error.status === 401) return 'The email or password is incorrect.';
  return error.problem.detail ?? error.problem.title;
}
