// The seed's token workflow in a real headless Chromium against a real API and database:
// sign in, open My Account from the profile icon, add a token, use its secret, reload (the
// secret is gone), revoke it, revoke all, errors for bad input, CSRF; a SysAdmin also sees the
// service accounts with their teams. Screenshots of each step
// go to test-artifacts/web/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser';
import { buildPage, javascriptFiles, type BuiltPage } from './support/build-page';
import { startTestApi, type PasswordUser, type TestApi } from '../support/api-server';

const MAX_JAVASCRIPT_BYTES = 200 * 1024;

jest.setTimeout(180_000);

describe('My Account page in Chromium', () => {
  let page: BuiltPage;
  let api: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let tab: Page;
  let user: PasswordUser;
  const problems: string[] = [];
  const serviceAccountRequests: string[] = [];
  let javascriptBytes = 0;

  beforeAll(async () => {
    // Launch first: a missing browser is the most likely failure and its message names the fix.
    browser = await launchChromium();
    page = await buildPage();
    api = await startTestApi({ webPage: true, webRoot: page.root, lastUsedFlushIntervalMs: 100 });
    user = await api.createUser({ name: 'Ada Lovelace', role: 'Member' });
    context = await browser.newContext({ baseURL: api.url, viewport: { width: 1100, height: 760 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    // Generous: CI machines here are shared and often loaded.
    context.setDefaultTimeout(60_000);
    tab = await context.newPage();
    tab.on('console', (message) => {
      // A 401/403/422 answer is logged by Chromium as a failed resource load; those are expected here.
      if (message.type() === 'error' && !/status of (401|403|422)/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/v1/service-accounts')) serviceAccountRequests.push(request.url());
    });
    tab.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() === 404 || (response.status() >= 500 && !url.pathname.startsWith('/api/'))) {
        problems.push(`${response.status()} for ${url.pathname}`);
      }
    });
    tab.on('response', async (response) => {
      if (response.request().resourceType() === 'script') javascriptBytes += (await response.body()).length;
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.stop();
    page?.remove();
  });

  const secretOnPage = () => tab.locator('#new-token-secret');
  const rows = () => tab.locator('#tokens-table tbody tr[data-token-id]');
  const focusedId = () => tab.evaluate('document.activeElement && document.activeElement.id');
  const meWith = (secret: string) => fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });

  test('the page is served with a strict CSP and no inline script, in well under 200 KB of JavaScript', async () => {
    const response = await tab.goto('/account');
    expect(response?.status()).toBe(200);
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = (await response?.text()) ?? '';
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);

    const files = javascriptFiles(page.root);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file.bytes).toBeLessThan(MAX_JAVASCRIPT_BYTES);
    const total = files.reduce((sum, file) => sum + file.bytes, 0);
    expect(total).toBeLessThan(MAX_JAVASCRIPT_BYTES);
    await tab.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
    expect(javascriptBytes).toBeGreaterThan(0);
    expect(javascriptBytes).toBeLessThan(MAX_JAVASCRIPT_BYTES);
  });

  test('signing in: empty fields and a wrong password show clear errors', async () => {
    expect(new URL(tab.url()).pathname).toBe('/sign-in');
    await screenshot(tab, '01-sign-in');

    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.locator('#sign-in-email-error', { hasText: 'Enter your email address.' }).waitFor();
    await expect(tab.locator('#sign-in-password-error').textContent()).resolves.toBe('Enter your password.');
    await expect(tab.getByLabel('Email').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await focusedId()).toBe('sign-in-email');

    await tab.getByLabel('Email').fill(user.email);
    await tab.getByLabel('Password').fill('not the password');
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' }).waitFor();
    await expect(tab.getByLabel('Password').inputValue()).resolves.toBe('');
    await screenshot(tab, '02-sign-in-wrong-password');
  });

  test('signing in opens the page asked for; My Account opens from the profile icon with the keyboard', async () => {
    await tab.getByLabel('Password').fill(user.password);
    await tab.getByLabel('Password').press('Enter');
    await tab.getByRole('heading', { name: 'My Account' }).waitFor();
    expect(new URL(tab.url()).pathname).toBe('/account');

    // Back to the start page, then the documented way in: profile icon → My Account.
    await tab.getByRole('link', { name: 'Tessera' }).click();
    await tab.getByRole('heading', { name: 'Welcome, Ada Lovelace' }).waitFor();
    const profile = tab.getByRole('button', { name: /Profile menu/ });
    await profile.focus();
    await tab.keyboard.press('Enter');
    await tab.getByRole('menu').waitFor({ state: 'visible' });
    await expect(profile.getAttribute('aria-expanded')).resolves.toBe('true');
    await screenshot(tab, '03-profile-menu');
    await tab.keyboard.press('Escape');
    await tab.getByRole('menu').waitFor({ state: 'hidden' });
    expect(await focusedId()).toBe('profile-button');
    await tab.keyboard.press('ArrowDown');
    await expect(tab.evaluate('document.activeElement.textContent')).resolves.toBe('My Account');
    await tab.keyboard.press('Enter');
    await tab.getByRole('heading', { name: 'My Account' }).waitFor();
    expect(new URL(tab.url()).pathname).toBe('/account');
    await tab.getByText('You have no active tokens.').waitFor();

    const me = await tab.evaluate('fetch("/api/v1/me").then((r) => r.json())');
    expect(me).toMatchObject({ id: user.id, authenticated_by: { type: 'session' } });
    await screenshot(tab, '04-my-account-empty');
  });

  test('Add Token: the dialog takes focus, offers the policy days, and shows bad names inline', async () => {
    const add = tab.getByRole('button', { name: '+ Add Token' });
    await add.click();
    const dialog = tab.getByRole('dialog', { name: 'Add Token' });
    await dialog.waitFor({ state: 'visible' });
    expect(await focusedId()).toBe('token-name');
    const days = await tab
      .getByLabel('Token Expiration')
      .locator('option')
      .evaluateAll((options) => options.map((o) => Number(o.getAttribute('value'))));
    expect(days).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await screenshot(tab, '05-add-token-dialog');

    // Nothing typed: caught before any request.
    await tab.getByRole('button', { name: 'Generate Token' }).click();
    await tab.locator('#token-name-error', { hasText: 'Enter a name for the token.' }).waitFor();
    // A tab character (pasted, say) passes the page's check; the API's 422 errors[] is shown at the field.
    await tab.getByLabel('Name').fill('deploy\tkey');
    await tab.getByRole('button', { name: 'Generate Token' }).click();
    // The API's message, placed at the field it names.
    await tab.locator('#token-name-error', { hasText: 'Must be a string of 1 to 100 characters without control characters' }).waitFor();
    await tab.locator('#add-token-error').waitFor({ state: 'visible' });
    await expect(tab.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await focusedId()).toBe('token-name');
    await screenshot(tab, '06-add-token-bad-name');

    // Escape closes the dialog and gives focus back to the button that opened it.
    await tab.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedId()).toBe('add-token-button');
    expect(await rows().count()).toBe(0);
  });

  let secret = '';

  test('Generate Token shows the secret once, with a copy button and the warning; the secret works on the API', async () => {
    await tab.getByRole('button', { name: '+ Add Token' }).click();
    await tab.getByLabel('Name').fill('CI deploys');
    await tab.getByLabel('Token Expiration').selectOption('7');
    await tab.getByRole('button', { name: 'Generate Token' }).click();
    await secretOnPage().waitFor({ state: 'visible' });

    secret = await secretOnPage().inputValue();
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
    expect(await focusedId()).toBe('new-token-secret');
    await expect(tab.locator('#new-token-warning').textContent()).resolves.toBe(
      'Copy this token now. It cannot be viewed again after you leave this page.',
    );
    await tab.getByRole('button', { name: 'Copy' }).click();
    await tab.getByText('Copied to the clipboard.').waitFor();
    await expect(tab.evaluate('navigator.clipboard.readText()')).resolves.toBe(secret);

    expect(await rows().count()).toBe(1);
    const cells = await rows().first().locator('th, td').allTextContents();
    expect(cells[0]).toBe('CI deploys');
    expect(cells[1]).toBe(`tspat_…${secret.slice(-4)}`);
    expect(cells[4]).toBe('Never');
    await screenshot(tab, '07-new-token-secret');

    const me = await meWith(secret);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, authenticated_by: { type: 'personal_access_token' } });
  });

  test('after a reload the secret is gone from the page; the token is still listed, now with its last use', async () => {
    // last_used_at is written in batches; wait until the API has it before reloading.
    for (let attempt = 0; attempt < 50; attempt++) {
      const list = (await (
        await fetch(`${api.url}/api/v1/personal-access-tokens`, { headers: { authorization: `Bearer ${secret}` } })
      ).json()) as {
        personal_access_tokens: Array<{ last_used_at: string | null }>;
      };
      if (list.personal_access_tokens[0]?.last_used_at) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await tab.reload();
    await tab.getByRole('heading', { name: 'My Account' }).waitFor();
    await rows().first().waitFor();
    expect(await secretOnPage().count()).toBe(0);
    expect(await tab.content()).not.toContain(secret);
    expect(await tab.evaluate('document.body.innerText')).not.toContain(secret.slice(6));
    // Nor kept anywhere the page could read it back from.
    expect(await tab.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(await tab.evaluate('document.cookie')).toBe('');
    await expect(rows().first().locator('th').textContent()).resolves.toBe('CI deploys');
    const lastUsed = rows().first().locator('td').nth(3);
    await expect(lastUsed.textContent()).resolves.not.toBe('Never');
    await expect(lastUsed.locator('time').getAttribute('datetime')).resolves.toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    await screenshot(tab, '08-after-reload');
  });

  test('Revoke removes the row at once and the API refuses the secret', async () => {
    await tab.getByRole('button', { name: 'Revoke CI deploys' }).click();
    await tab.getByText('Token “CI deploys” revoked.').waitFor();
    expect(await rows().count()).toBe(0);
    expect((await meWith(secret)).status).toBe(401);
    expect(await focusedId()).toBe('add-token-button');
    await screenshot(tab, '09-revoked');
  });

  test('Revoke All revokes every token of the user', async () => {
    const secrets: string[] = [];
    for (const name of ['laptop', 'build server']) {
      await tab.getByRole('button', { name: '+ Add Token' }).click();
      await tab.getByLabel('Name').fill(name);
      await tab.getByRole('button', { name: 'Generate Token' }).click();
      await tab.locator('#new-token-title', { hasText: name }).waitFor();
      secrets.push(await secretOnPage().inputValue());
    }
    expect(await rows().count()).toBe(2);
    for (const s of secrets) expect((await meWith(s)).status).toBe(200);
    await screenshot(tab, '10-two-tokens');

    await tab.getByRole('button', { name: 'Revoke All' }).click();
    await tab.getByText('2 tokens revoked.').waitFor();
    await tab.getByText('You have no active tokens.').waitFor();
    for (const s of secrets) expect((await meWith(s)).status).toBe(401);
    await expect(tab.getByRole('button', { name: 'Revoke All' }).isDisabled()).resolves.toBe(true);
    await screenshot(tab, '11-revoked-all');
  });

  test('CSRF: a cookie-authenticated POST from the page without the token is refused', async () => {
    const result = (await tab.evaluate(`
      fetch('/api/v1/personal-access-tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'forged', expiration_days: 1 }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }))
    `)) as { status: number; body: { type: string } };
    expect(result.status).toBe(403);
    expect(result.body.type).toBe('urn:tessera:problem:csrf-check-failed');
    const list = (await tab.evaluate('fetch("/api/v1/personal-access-tokens").then((r) => r.json())')) as {
      personal_access_tokens: unknown[];
    };
    expect(list.personal_access_tokens).toEqual([]);
  });

  test('when the session ends elsewhere, the next action leads to sign-in with a notice, and back to My Account', async () => {
    await api.tessera.db('sessions').where({ user_id: user.id }).delete();
    await tab.getByRole('button', { name: '+ Add Token' }).click();
    await tab.getByLabel('Name').fill('after expiry');
    await tab.getByRole('button', { name: 'Generate Token' }).click();
    await tab.getByText('Your session has ended. Sign in again to continue.').waitFor();
    expect(new URL(tab.url()).pathname).toBe('/sign-in');
    await screenshot(tab, '12-session-ended');
    await tab.getByLabel('Email').fill(user.email);
    await tab.getByLabel('Password').fill(user.password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'My Account' }).waitFor();
    expect(new URL(tab.url()).pathname).toBe('/account');
    await tab.getByText('You have no active tokens.').waitFor();
  });

  test('signing out ends the session; My Account then asks to sign in again', async () => {
    await tab.getByRole('button', { name: /Profile menu/ }).click();
    await tab.getByRole('menuitem', { name: 'Sign out' }).click();
    await tab.getByText('You have signed out.').waitFor();
    expect(new URL(tab.url()).pathname).toBe('/sign-in');
    await screenshot(tab, '13-signed-out');
    const status = await tab.evaluate('fetch("/api/v1/me").then((r) => r.status)');
    expect(status).toBe(401);
    await tab.goto('/account');
    await tab.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
  });

  test("a SysAdmin's My Account lists the service accounts with their teams; a Member's does not", async () => {
    // Ada (a Member) was on My Account above: her page never showed the section.
    expect(serviceAccountRequests).toEqual([]);
    const sysadmin = await api.createUser({ name: 'Grace Hopper', role: 'SysAdmin' });
    const teams = await api.request('GET', '/api/v1/teams', { token: api.adminToken });
    const team = (teams.json['teams'] as Array<{ id: string; name: string }>).find((t) => t.id === sysadmin.teamId);
    const created = await api.request('POST', '/api/v1/service-accounts', {
      token: api.adminToken,
      body: { name: 'deploy-bot', team_ids: [sysadmin.teamId] },
    });
    expect(created.status).toBe(201);
    await api.request('POST', '/api/v1/service-accounts', { token: api.adminToken, body: { name: 'lonely-bot' } });

    await tab.getByLabel('Email').fill(sysadmin.email);
    await tab.getByLabel('Password').fill(sysadmin.password);
    await tab.getByLabel('Password').press('Enter');
    await tab.getByRole('heading', { name: 'My Account' }).waitFor();
    await tab.getByRole('heading', { name: 'Service accounts' }).waitFor();
    const bot = tab.locator(`#service-accounts-table tr[data-service-account-id="${created.json['id'] as string}"]`);
    await expect(bot.locator('td.teams').textContent()).resolves.toBe(`${team?.name ?? ''} (SysAdmin)`);
    await expect(tab.locator('#service-accounts-table tr', { hasText: 'lonely-bot' }).locator('td.teams').textContent()).resolves.toBe(
      'No team',
    );
    await screenshot(tab, '14-service-accounts');
  });

  test('the browser reported no script errors and no CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
