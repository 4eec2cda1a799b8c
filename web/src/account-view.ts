import { addTokenDialog } from './add-token-dialog';
import { api, ApiError, type CreatedPersonalAccessToken, type PersonalAccessToken, type SessionUser } from './api-client';
import { h, replaceChildren } from './dom';
import { timeElement } from './format';
import { serviceAccountsSection } from './service-accounts-section';

/**
 * My Account: the caller's active tokens, "+ Add Token", the one-time secret, Revoke and
 * Revoke All. The secret lives only in this view's DOM: it is never stored, so leaving or
 * reloading the page loses it for good, as the warning says.
 */
export function accountView(user: SessionUser): HTMLElement {
  const heading = h('h1', { tabindex: '-1' }, 'My Account');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'account-status' });
  const errorBox = h('p', { class: 'form-error', role: 'alert', id: 'account-error', hidden: true });
  const newTokenSlot = h('div', { id: 'new-token-slot' });
  const addButton = h('button', { type: 'button', class: 'primary', id: 'add-token-button', disabled: true }, '+ Add Token');
  const revokeAllButton = h('button', { type: 'button', class: 'danger', id: 'revoke-all-button', disabled: true }, 'Revoke All');
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'tokens', id: 'tokens-table' },
    h('caption', { class: 'visually-hidden' }, 'Your active personal access tokens'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col' }, 'Hint'),
        h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, 'Expires'),
        h('th', { scope: 'col' }, 'Last used'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    tbody,
  );

  const view = h(
    'main',
    { id: 'main', class: 'account' },
    heading,
    h('p', { class: 'identity' }, 'Signed in as ', h('strong', {}, user.name || user.email), user.name ? ` (${user.email})` : ''),
    h(
      'section',
      { 'aria-labelledby': 'tokens-heading' },
      h(
        'div',
        { class: 'section-header' },
        h('h2', { id: 'tokens-heading' }, 'Personal access tokens'),
        h('div', { class: 'actions' }, addButton, revokeAllButton),
      ),
      h('p', { class: 'field-hint' }, 'Tokens act as you on the API and in Terraform. Revoking one takes effect immediately.'),
      newTokenSlot,
      status,
      errorBox,
      table,
    ),
    serviceAccountsSection(),
  );

  let tokens: PersonalAccessToken[] = [];

  const announce = (message: string) => {
    status.textContent = message;
  };
  const showError = (error: unknown) => {
    errorBox.textContent =
      error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : 'Something went wrong. Reload the page and try again.';
    errorBox.hidden = false;
  };
  const clearError = () => {
    errorBox.hidden = true;
    errorBox.textContent = '';
  };

  const renderRows = () => {
    revokeAllButton.disabled = tokens.length === 0;
    if (tokens.length === 0) {
      replaceChildren(tbody, h('tr', { class: 'empty' }, h('td', { colspan: '6' }, 'You have no active tokens.')));
      return;
    }
    replaceChildren(tbody, ...tokens.map(row));
  };

  const row = (token: PersonalAccessToken): HTMLTableRowElement => {
    const revoke = h('button', { type: 'button', class: 'danger small', 'aria-label': `Revoke ${token.name}` }, 'Revoke');
    revoke.addEventListener('click', () => void revokeOne(token, revoke));
    return h(
      'tr',
      { 'data-token-id': token.id },
      h('th', { scope: 'row' }, token.name),
      h('td', {}, h('code', {}, token.token_hint)),
      h('td', {}, timeElement(token.created_at)),
      h('td', {}, timeElement(token.expires_at)),
      h('td', {}, timeElement(token.last_used_at, 'Never')),
      h('td', {}, revoke),
    );
  };

  const revokeOne = async (token: PersonalAccessToken, button: HTMLButtonElement) => {
    clearError();
    button.disabled = true;
    const index = tokens.findIndex((t) => t.id === token.id);
    try {
      await api.revokeToken(token.id);
    } catch (error) {
      // Already gone (revoked elsewhere or expired): the list was stale, so drop it all the same.
      if (!(error instanceof ApiError && error.status === 404)) {
        button.disabled = false;
        showError(error);
        return;
      }
    }
    tokens = tokens.filter((t) => t.id !== token.id);
    renderRows();
    announce(`Token “${token.name}” revoked.`);
    // Keep keyboard users in the table: the next row's Revoke, else the previous one, else Add.
    const buttons = tbody.querySelectorAll<HTMLButtonElement>('button');
    (buttons[Math.min(index, buttons.length - 1)] ?? addButton).focus();
  };

  revokeAllButton.addEventListener('click', () => {
    clearError();
    revokeAllButton.disabled = true;
    api
      .revokeAllTokens()
      .then((result) => {
        tokens = [];
        renderRows();
        announce(result.revoked_count === 1 ? '1 token revoked.' : `${result.revoked_count} tokens revoked.`);
        addButton.focus();
      })
      .catch((error: unknown) => {
        revokeAllButton.disabled = tokens.length === 0;
        showError(error);
      });
  });

  const showNewToken = (token: CreatedPersonalAccessToken) => {
    const secret = h('input', {
      type: 'text',
      id: 'new-token-secret',
      class: 'secret',
      readonly: true,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-describedby': 'new-token-warning',
    });
    secret.value = token.token;
    const copyStatus = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
    const copy = h('button', { type: 'button', id: 'copy-token-button' }, 'Copy');
    copy.addEventListener('click', () => {
      copyToClipboard(secret)
        .then(() => (copyStatus.textContent = 'Copied to the clipboard.'))
        .catch(() => (copyStatus.textContent = 'Copy failed: select the token and copy it by hand.'));
    });
    secret.addEventListener('focus', () => secret.select());
    const dismiss = h('button', { type: 'button', class: 'link' }, 'Done, I have copied it');
    const panel = h(
      'section',
      { class: 'new-token', 'aria-labelledby': 'new-token-title', id: 'new-token' },
      h('h3', { id: 'new-token-title' }, `New token “${token.name}”`),
      h('p', { class: 'warning', id: 'new-token-warning' }, 'Copy this token now. It cannot be viewed again after you leave this page.'),
      h('label', { for: 'new-token-secret' }, 'Token'),
      h('div', { class: 'secret-row' }, secret, copy),
      copyStatus,
      h('div', { class: 'actions' }, dismiss),
    );
    dismiss.addEventListener('click', () => {
      newTokenSlot.replaceChildren();
      addButton.focus();
    });
    replaceChildren(newTokenSlot, panel);
    secret.focus();
  };

  const dialog = { current: null as ReturnType<typeof addTokenDialog> | null };
  addButton.addEventListener('click', () => dialog.current?.open(addButton));

  const load = async () => {
    announce('Loading your tokens…');
    try {
      const [policy, list] = await Promise.all([api.tokenPolicy(), api.listTokens()]);
      dialog.current = addTokenDialog(policy, (created) => {
        const { token: _secret, ...metadata } = created;
        tokens = [{ ...metadata, last_used_at: null }, ...tokens];
        renderRows();
        showNewToken(created);
        announce(`Token “${created.name}” created.`);
      });
      view.append(dialog.current.element);
      tokens = list;
      addButton.disabled = false;
      renderRows();
      announce(tokens.length === 1 ? '1 active token.' : `${tokens.length} active tokens.`);
    } catch (error) {
      announce('');
      showError(error);
    }
  };
  void load();

  return view;
}

async function copyToClipboard(input: HTMLInputElement): Promise<void> {
  if (navigator.clipboard) {
    await navigator.clipboard.writeText(input.value);
    return;
  }
  // Older browsers or an insecure origin: select the text and use the legacy copy command.
  input.select();
  if (!document.execCommand('copy')) throw new Error('copy refused');
}
