import { api, type ServiceAccount } from './api-client';
import { h, replaceChildren } from './dom';
import { timeElement } from './format';

/**
 * For SysAdmins: the service accounts, each with the teams whose roles its token carries. Read
 * only (they are managed with the CLI, the API or Terraform). People without SysAdmin never see
 * the section: it stays empty and hidden, and the list is not even requested.
 */
export function serviceAccountsSection(): HTMLElement {
  const tbody = h('tbody');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const section = h(
    'section',
    { 'aria-labelledby': 'service-accounts-heading', id: 'service-accounts', hidden: true },
    h('div', { class: 'section-header' }, h('h2', { id: 'service-accounts-heading' }, 'Service accounts')),
    h('p', { class: 'field-hint' }, "Identities for machines. A service account's token has the roles of its teams."),
    status,
    h(
      'table',
      { class: 'tokens', id: 'service-accounts-table' },
      h('caption', { class: 'visually-hidden' }, 'Service accounts and their teams'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Hint'),
          h('th', { scope: 'col' }, 'Teams'),
          h('th', { scope: 'col' }, 'Expires'),
          h('th', { scope: 'col' }, 'Last used'),
        ),
      ),
      tbody,
    ),
  );

  const row = (account: ServiceAccount): HTMLTableRowElement =>
    h(
      'tr',
      { 'data-service-account-id': account.id },
      h('th', { scope: 'row' }, account.name),
      h('td', {}, account.token_hint === null ? '' : h('code', {}, account.token_hint)),
      h('td', { class: 'teams' }, account.teams.length === 0 ? 'No team' : account.teams.map((t) => `${t.name} (${t.role})`).join(', ')),
      h('td', {}, timeElement(account.expires_at, 'Never')),
      h('td', {}, timeElement(account.last_used_at, 'Never')),
    );

  const load = async () => {
    const me = await api.me();
    if (!me.teams.some((team) => team.role === 'SysAdmin')) return;
    section.hidden = false;
    status.textContent = 'Loading service accounts…';
    const accounts = await api.listServiceAccounts();
    if (accounts.length === 0) replaceChildren(tbody, h('tr', { class: 'empty' }, h('td', { colspan: '5' }, 'No service accounts.')));
    else replaceChildren(tbody, ...accounts.map(row));
    status.textContent = accounts.length === 1 ? '1 service account.' : `${accounts.length} service accounts.`;
  };
  load().catch(() => {
    // The token list above is what this page is for; a failure here only leaves the section out.
    section.hidden = true;
  });
  return section;
}
