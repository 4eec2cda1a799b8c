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
