/**
 * The provider's release version. Lock files record a hash per version, so a rebuilt package
 * whose contents differ must carry a new version: `npm run provider:install` refuses to
 * overwrite an installed package of the same version with different contents (see
 * scripts/provider-install.ts). Bump the patch for fixes, the minor for new attributes.
 */
export const PROVIDER_VERSION = '0.1.0';

export const PROVIDER_NAMESPACE = 'tessera';
export const PROVIDER_TYPE = 'tessera';
