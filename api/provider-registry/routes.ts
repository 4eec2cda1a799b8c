// Terraform's Provider Registry Protocol (service discovery, versions, package lookup) plus the
// release files themselves, so `source = "<tessera-host>/tessera/tessera"` installs the provider
// with a plain `terraform init`.
//
// No credentials: the packages hold no secrets (the same zips are meant to be committed to
// mirrors and shared between teams), and `terraform init` sends a token to a registry host
// only when the CLI configuration has a `credentials` block for it, which would make every
// infrastructure repo and CI runner configure one just to download a public binary. An
// operator who wants the registry private puts these paths behind their proxy's access
// control (see README).
//
// The URLs in a package answer are relative to the answer's own URL (Terraform resolves them
// against it), so they stay right behind a TLS-terminating proxy and under any host name.
import { Router, type Request, type Response } from 'express';
import { notFound } from '../http/problem';
import { PROVIDER_NAMESPACE, PROVIDER_TYPE, ProviderReleases } from './releases';

export const PROVIDERS_V1_PATH = '/v1/providers/';

const param = (req: Request, name: string): string => {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
};

export function providerRegistryRoutes(releases: ProviderReleases): Router {
  const router = Router({ caseSensitive: true, strict: false });

  router.get('/.well-known/terraform.json', (_req, res) => {
    res.json({ 'providers.v1': PROVIDERS_V1_PATH });
  });

  const provider = `${PROVIDERS_V1_PATH}:namespace/:type`;
  const isOurs = (req: Request): boolean => param(req, 'namespace') === PROVIDER_NAMESPACE && param(req, 'type') === PROVIDER_TYPE;

  router.get(`${provider}/versions`, async (req: Request, res: Response) => {
    if (!isOurs(req)) throw notFound('provider');
    res.json({ versions: await releases.versions() });
  });

  router.get(`${provider}/:version/download/:os/:arch`, async (req: Request, res: Response) => {
    if (!isOurs(req)) throw notFound('provider');
    const [version, os, arch] = [param(req, 'version'), param(req, 'os'), param(req, 'arch')];
    const found = await releases.findPackage(version, os, arch);
    if (found === null) throw notFound(`provider package for version ${version.slice(0, 40)} on ${os.slice(0, 20)}_${arch.slice(0, 20)}`);
    // Relative to .../<version>/download/<os>/<arch>: two levels up is .../<version>/.
    const file = (name: string): string => `../../files/${encodeURIComponent(name)}`;
    res.json({
      protocols: found.protocols,
      os: found.os,
      arch: found.arch,
      filename: found.filename,
      download_url: file(found.filename),
      shasums_url: file(found.shasumsFilename),
      shasums_signature_url: file(found.signatureFilename),
      shasum: found.shasum,
      signing_keys: { gpg_public_keys: found.signingKeys.map((key) => ({ key_id: key.key_id, ascii_armor: key.ascii_armor })) },
    });
  });

  router.get(`${provider}/:version/files/:name`, async (req: Request, res: Response) => {
    if (!isOurs(req)) throw notFound('provider');
    const [version, name] = [param(req, 'version'), param(req, 'name')];
    const file = await releases.findFile(version, name);
    if (file === null) throw notFound('release file');
    res.setHeader('Content-Type', file.contentType);
    await new Promise<void>((resolve, reject) => {
      // sendFile streams the file and answers HEAD and Range requests; the path is one that
      // readdir listed, never the client's text.
      res.sendFile(file.path, { dotfiles: 'allow', cacheControl: false, headers: { 'Cache-Control': 'no-cache' } }, (error) => {
        // A client that went away mid-download is not an error of ours.
        if (!error || (error as NodeJS.ErrnoException).code === 'ECONNABORTED') return resolve();
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(notFound('release file'));
        reject(error);
      });
    });
  });

  return router;
}
