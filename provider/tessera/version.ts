import { version } from '../../package.json';

/**
 * The provider's release version: the package's own (package.json), the one version source of
 * the repository. esbuild inlines it into the provider bundle. Lock files record a hash per version, so a rebuilt package
 * whose contents differ must carry a new version: `npm run provider:install` refuses to
 * overwrite an installed package of the same version with different contents (see
 * scripts/provider-install.ts). Bump the patch for fixes, the minor for new attributes.
 */
export const PROVIDER_VERSION: string = version;

export const PROVIDER_NAMESPACE = 'tessera';
export const PROVIDER_TYPE = 'tessera';

/**
 * The User-Agent the provider's API client sends. The CLI's version arrives in ConfigureProvider
 * as any string; only the characters of a version (letters, digits, `.`, `+`, `-`, at most 64)
 * are kept, since a control character in a header makes every request fail before it is sent.
 */
export function providerUserAgent(terraformVersion: string): string {
  const shown = terraformVersion.replace(/[^0-9A-Za-z.+-]/g, '').slice(0, 64);
  return `terraform-provider-${PROVIDER_TYPE}/${PROVIDER_VERSION} terraform/${shown || 'unknown'}`;
}
