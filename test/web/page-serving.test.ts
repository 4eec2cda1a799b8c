// How the API process serves the page: security headers, caching, and a clear answer when the
// page has not been built. Uses a minimal hand-made build so it runs without Vite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApi, type TestApi } from '../support/api-server';

describe('serving the web page', () => {
  let built: TestApi;
  let unbuilt: TestApi;
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-page-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app-abc123.js"></script>');
    fs.writeFileSync(path.join(root, 'assets', 'app-abc123.js'), 'console.log("page")');
    built = await startTestApi({ webPage: true, webRoot: root });
    unbuilt = await startTestApi({ webPage: true, webRoot: path.join(root, 'missing') });
  });
  afterAll(async () => {
    await built?.stop();
    await unbuilt?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test.each(['/', '/account', '/sign-in'])('%s serves index.html with a strict CSP and revalidation', async (pagePath) => {
    const response = await fetch(`${built.url}${pagePath}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('/assets/app-abc123.js');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  test('hashed assets are cached for a year; unknown assets and paths are 404 problems', async () => {
    const asset = await fetch(`${built.url}/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    for (const missing of ['/assets/nope.js', '/assets/../index.html', '/accounts', '/account/extra']) {
      const response = await fetch(`${built.url}${missing}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  test('an unbuilt page is a 503 that says how to build it; the API itself still works', async () => {
    const response = await fetch(`${unbuilt.url}/account`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/npm run web:build/);
    const policy = await fetch(`${unbuilt.url}/api/v1/token-policy`);
    expect(policy.status).toBe(200);
  });
});
