// The e2e tier's global setup: the shared test PostgreSQL (see global-setup.ts), plus the browser
// unpacked once here, before jest starts parallel workers that would race to unpack it.
import { CHROMIUM_PATH_ENV, resolveChromium } from '../web/support/browser';
import startTestPostgres from './global-setup';

export default async function globalSetup(): Promise<void> {
  await startTestPostgres();
  const browser = await resolveChromium();
  process.env[CHROMIUM_PATH_ENV] = browser.path;
  console.log(`\nbrowser for the web tests: ${browser.path} (${browser.source})`);
}
