// Tessera behind a TLS-terminating reverse proxy, and the Host check against DNS rebinding, over
// real HTTP against a real database. The operator's path is exercised as operators take it:
// api/main.ts in its own process, configured by TESSERA_TRUST_PROXY and TESSERA_PUBLIC_URL.
import { ConfigError, loadConfig } from '../../api/config';
import { generateSecret } from '../../api/tokens/secret';
import { startTestApi, type ApiInstance, type TestApi } from '../support/api-server';
import { rawRequest } from '../support/raw-request';

const PUBLIC_URL = 'https://tessera.example.test';

/** The client address each 'authentication failed' line of the instance's log names, in order. */
function failedAddresses(instance: ApiInstance): string[] {
  return instance.logs
    .map((line) => JSON.parse(line) as { msg?: string; ip?: string })
    .filter((entry) => entry.msg === 'authentication failed')
    .map((entry) => entry.ip ?? '');
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends one failing token with these headers and returns the address the log line names. */
async function loggedAddressOf(instance: ApiInstance, headers: Record<string, string>): Promise<string> {
  const before = failedAddresses(instance).length;
  const response = await rawRequest(instance.url, 'GET', '/api/v1/me', {
    headers: { ...headers, authorization: `Bearer ${generateSecret('personal_access_token')}` },
  });
  expect(response.status).toBe(401);
  return waitFor(() => failedAddresses(instance)[before], 'the authentication failed log line');
}

describe('TESSERA_TRUST_PROXY and TESSERA_PUBLIC_URL are validated at start-up', () => {
  test('hop counts, address lists and origins are read; anything else is refused naming the variable', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TESSERA_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TESSERA_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TESSERA_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      'loopback',
    ]);
    expect(loadConfig({ TESSERA_PUBLIC_URL: 'https://Tessera.Example.test/' }).publicUrl?.origin).toBe('https://tessera.example.test');
    for (const [value, message] of [
      ['true', /TESSERA_TRUST_PROXY: "true" would believe X-Forwarded-For from any client/],
      ['banana', /TESSERA_TRUST_PROXY: "banana" is not an IP address or CIDR range/],
      ['10.0.0.0/33', /TESSERA_TRUST_PROXY: "10.0.0.0\/33": the prefix length must be 0–32/],
      ['0.0.0.0/0', /TESSERA_TRUST_PROXY: "0.0.0.0\/0" would trust every address/],
      ['10.0.0.1,,10.0.0.2', /TESSERA_TRUST_PROXY: an empty entry in the list/],
      ['99', /TESSERA_TRUST_PROXY: a hop count must be between 1 and 32/],
    ] as const) {
      expect(() => loadConfig({ TESSERA_TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ TESSERA_TRUST_PROXY: value })).toThrow(message);
    }
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: 'tessera.example.test' })).toThrow(
      /TESSERA_PUBLIC_URL: "tessera.example.test" is not a URL/,
    );
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: 'https://tessera.example.test/tessera' })).toThrow(/TESSERA_PUBLIC_URL: .* no path/);
    expect(() => loadConfig({ TESSERA_PUBLIC_URL: 'ftp://tessera.example.test' })).toThrow(
      /TESSERA_PUBLIC_URL: .* must start with https:\/\//,
    );
  });

  test('npm start refuses an invalid TESSERA_TRUST_PROXY with a message that names it', async () => {
    await expect(startTestApi({ mode: 'process', logLevel: 'info', env: { TESSERA_TRUST_PROXY: 'proxy.internal' } })).rejects.toThrow(
      /exited \(1\) before listening.*invalid configuration.*TESSERA_TRUST_PROXY: \\"proxy.internal\\" is not an IP address or CIDR range/s,
    );
  }, 120_000);
});

describe('behind a trusted proxy (npm start with TESSERA_TRUST_PROXY=1 and TESSERA_PUBLIC_URL)', () => {
  let api: TestApi;
  let untrusted: ApiInstance;

  beforeAll(async () => {
    api = await startTestApi({ mode: 'process', env: { TESSERA_TRUST_PROXY: '1', TESSERA_PUBLIC_URL: PUBLIC_URL } });
    // The same server, but the proxy it trusts is elsewhere: this test's requests come from 127.0.0.1.
    untrusted = await api.startAnotherInstance({ mode: 'process', env: { TESSERA_TRUST_PROXY: '10.0.0.0/8' } });
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
  });

  test('the client address is the one the proxy appended to X-Forwarded-For, and spoofed ones are ignored without trust', async () => {
    // One trusted hop: the rightmost entry is what the proxy saw; whatever the client wrote before it is not believed.
    expect(await loggedAddressOf(api, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' })).toBe('198.51.100.7');
    expect(await loggedAddressOf(api, {})).toBe('127.0.0.1');
    // The peer is not the configured proxy: X-Forwarded-For is the client's own claim and is ignored.
    expect(await loggedAddressOf(untrusted, { 'x-forwarded-for': '198.51.100.7' })).toBe('127.0.0.1');
  });

  test('the failure limiter counts the forwarded address: one client over the limit does not make others 429', async () => {
    const failing = (address: string) =>
      rawRequest(api.url, 'GET', '/api/v1/me', {
        headers: { 'x-forwarded-for': address, authorization: `Bearer ${generateSecret('personal_access_token')}` },
      });
    // npm start allows 20 failures per address per minute.
    for (let i = 0; i < 20; i++) expect((await failing('198.51.100.20')).status).toBe(401);
    expect((await failing('198.51.100.20')).status).toBe(429);
    expect((await failing('198.51.100.21')).status).toBe(401);
    // Without trust, every spoofed address is the proxy's one address: the limit is shared.
    const spoofed = (i: number) =>
      rawRequest(untrusted.url, 'GET', '/api/v1/me', {
        headers: { 'x-forwarded-for': `198.51.100.${100 + i}`, authorization: `Bearer ${generateSecret('personal_access_token')}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await spoofed(i)).status);
    // At most 20 failures per address are 401s, whatever addresses the client claims.
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });

  test('X-Forwarded-Proto: https gives a Secure __Host- cookie and HSTS only from a trusted proxy', async () => {
    const user = await api.createUser({ role: 'Member' });
    const signIn = (instance: ApiInstance) =>
      rawRequest(instance.url, 'POST', '/api/v1/sessions', {
        headers: { 'x-forwarded-proto': 'https' },
        body: { email: user.email, password: user.password },
      });

    const trusted = await signIn(api);
    expect(trusted.status).toBe(201);
    const cookie = trusted.headers.getSetCookie()[0] ?? '';
    expect(cookie).toMatch(/^__Host-tessera_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(trusted.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const health = await rawRequest(api.url, 'GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
    expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000');
    // Plain HTTP through the same proxy: no HSTS (browsers ignore it there), no Secure cookie.
    expect((await rawRequest(api.url, 'GET', '/healthz')).headers.get('strict-transport-security')).toBeNull();

    const spoofed = await signIn(untrusted);
    expect(spoofed.status).toBe(201);
    const plain = spoofed.headers.getSetCookie()[0] ?? '';
    expect(plain).toMatch(/^tessera_session=/);
    expect(plain).not.toMatch(/; Secure/i);
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
  });

  test('CSRF checks compare against TESSERA_PUBLIC_URL, not the Host and scheme the request arrived with', async () => {
    const user = await api.createUser({ role: 'Member' });
    const signIn = (origin: string) =>
      rawRequest(api.url, 'POST', '/api/v1/sessions', { headers: { origin }, body: { email: user.email, password: user.password } });
    expect((await signIn(PUBLIC_URL)).status).toBe(201);
    // The origin the request itself names (http://127.0.0.1:port) is not the public one.
    const own = await signIn(new URL(api.url).origin);
    expect(own.status).toBe(403);
    expect(own.json['type']).toBe('urn:tessera:problem:csrf-check-failed');
    expect((await signIn('https://evil.example.test')).status).toBe(403);

    // A signed-in session's state change: only from the public origin.
    const session = await signIn(PUBLIC_URL);
    const cookie = (session.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    const csrf = session.json['csrf_token'] as string;
    const signOut = (origin: string) =>
      rawRequest(api.url, 'DELETE', '/api/v1/sessions/current', { headers: { origin, cookie, 'x-csrf-token': csrf } });
    expect((await signOut(new URL(api.url).origin)).status).toBe(403);
    expect((await signOut(PUBLIC_URL)).status).toBe(204);
  });

  test('only the public host is answered (besides IP literals and localhost), whether in Host or a trusted X-Forwarded-Host', async () => {
    const me = (headers: Record<string, string>) =>
      rawRequest(api.url, 'GET', '/api/v1/me', { headers: { ...headers, authorization: `Bearer ${api.adminToken}` } });
    expect((await me({ host: 'tessera.example.test' })).status).toBe(200);
    expect((await me({ host: 'tessera.example.test:443' })).status).toBe(200);
    expect((await me({ host: 'TESSERA.example.test.' })).status).toBe(200);
    expect((await me({})).status).toBe(200); // 127.0.0.1:port
    expect((await me({ host: `localhost:${new URL(api.url).port}` })).status).toBe(200);
    for (const host of ['evil.example.test', 'tessera.example.test:8443', 'tessera.example.test.evil.example.test']) {
      const refused = await me({ host });
      expect(refused.status).toBe(421);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.json).toMatchObject({ type: 'urn:tessera:problem:misdirected-request', status: 421 });
      expect(refused.json['detail']).toContain('tessera.example.test (TESSERA_PUBLIC_URL)');
    }
    // The trusted proxy reports the name the browser used.
    expect((await me({ 'x-forwarded-host': 'evil.example.test' })).status).toBe(421);
    expect((await me({ 'x-forwarded-host': 'tessera.example.test' })).status).toBe(200);
  });
});

describe('without TESSERA_PUBLIC_URL (the default)', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ webPage: true });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('loopback names and IP literals are answered, any other name is refused with 421 (DNS rebinding)', async () => {
    const port = new URL(api.url).port;
    const get = (host: string, path = '/api/v1/me') =>
      rawRequest(api.url, 'GET', path, { headers: { host, authorization: `Bearer ${api.adminToken}` } });
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'localhost',
      `tessera.localhost:${port}`,
      `[::1]:${port}`,
      '10.1.2.3:8080',
    ]) {
      expect({ host, status: (await get(host)).status }).toEqual({ host, status: 200 });
    }
    for (const host of [`rebind.attacker.example:${port}`, 'attacker.example', `localhost.attacker.example:${port}`]) {
      const refused = await get(host);
      expect({ host, status: refused.status }).toEqual({ host, status: 421 });
      expect(refused.json).toMatchObject({ type: 'urn:tessera:problem:misdirected-request', title: 'Misdirected Request' });
      expect(refused.json['detail']).toContain('set TESSERA_PUBLIC_URL');
    }
    // Public endpoints and the page too: a rebinding page must not read anything.
    expect((await get('attacker.example', '/healthz')).status).toBe(421);
    expect((await get('attacker.example', '/')).status).toBe(421);
    // X-Forwarded-Host from an untrusted peer is not believed either way.
    const forwarded = await rawRequest(api.url, 'GET', '/healthz', { headers: { 'x-forwarded-host': 'attacker.example' } });
    expect(forwarded.status).toBe(200);
  });

  test('X-Forwarded-For and X-Forwarded-Proto from an untrusted peer change nothing', async () => {
    const user = await api.createUser({ role: 'Member' });
    const response = await rawRequest(api.url, 'POST', '/api/v1/sessions', {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.50' },
      body: { email: user.email, password: user.password },
    });
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()[0]).toMatch(/^tessera_session=(?:(?!Secure).)*$/i);
    expect(response.headers.get('strict-transport-security')).toBeNull();
    expect(await loggedAddressOf(api, { 'x-forwarded-for': '198.51.100.50' })).toBe('127.0.0.1');
  });

  test('a trusted hop count of 2 takes the address two proxies back; a CIDR list trusts only those peers', async () => {
    const twoHops = await api.startAnotherInstance({ trustProxy: 2 });
    expect(await loggedAddressOf(twoHops, { 'x-forwarded-for': '192.0.2.66, 203.0.113.9, 198.51.100.7' })).toBe('203.0.113.9');
    const listed = await api.startAnotherInstance({ trustProxy: ['127.0.0.1/32'] });
    expect(await loggedAddressOf(listed, { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' })).toBe('198.51.100.7');
    const elsewhere = await api.startAnotherInstance({ trustProxy: ['192.168.0.0/16', '::1'] });
    expect(await loggedAddressOf(elsewhere, { 'x-forwarded-for': '198.51.100.7' })).toBe('127.0.0.1');
  });
});
