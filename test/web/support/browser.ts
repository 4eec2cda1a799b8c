// A real headless Chromium driven by playwright-core. The browser comes from npm
// (`@sparticuz/chromium` ships a headless build inside the package), so `npm ci` on a machine with
// only Node is enough; Debian's `chromium` is the fallback, and TESSERA_CHROMIUM overrides both.
// No test skips for want of a browser: a missing one fails with the fix.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Set by the jest global setup once the npm browser is unpacked (see resolveChromium). */
export const CHROMIUM_PATH_ENV = 'TESSERA_CHROMIUM';

/**
 * Finds the browser to drive: TESSERA_CHROMIUM, else the npm-shipped build (unpacked into the
 * system temp folder on first use, which is why the global setup calls this once, before jest
 * starts parallel workers), else Debian's.
 */
export async function resolveChromium(): Promise<{ path: string; source: string }> {
  const override = process.env[CHROMIUM_PATH_ENV];
  if (override) return { path: override, source: CHROMIUM_PATH_ENV };
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    const executable = await packaged.executablePath();
    if (fs.existsSync(executable)) return { path: executable, source: '@sparticuz/chromium' };
  } catch (error) {
    if (!fs.existsSync(DEBIAN_CHROMIUM)) {
      throw new Error(
        `the npm-shipped Chromium (@sparticuz/chromium) could not be unpacked (${(error as Error).message}), ` +
          `and there is no Debian Chromium at ${DEBIAN_CHROMIUM} either: run "npm ci", or "apt-get install -y chromium", ` +
          `or point ${CHROMIUM_PATH_ENV} at a Chromium binary.`,
        { cause: error },
      );
    }
  }
  return { path: DEBIAN_CHROMIUM, source: 'Debian chromium' };
}

// Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
// this machine's closed network refuses; as root it needs --no-sandbox. The npm build has no GPU
// stack, so it renders with SwiftShader.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  '--use-gl=angle',
  '--use-angle=swiftshader',
];

export async function launchChromium(): Promise<Browser> {
  const { path: executablePath } = await resolveChromium();
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: the web page tests need a real browser. ` +
        `Run "npm ci" (it brings @sparticuz/chromium), or point ${CHROMIUM_PATH_ENV} at a Chromium binary.`,
    );
  }
  // Playwright gives every launch a fresh, empty profile directory of its own.
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', '..', 'test-artifacts', 'web');

/** Saves a full-page screenshot as test-artifacts/web/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
