// Entry point of the provider executable: the CLI runs it with no arguments and reads the
// handshake line from stdout (serveProvider writes nothing else there).
//
// serveProvider comes from its own module, not the protocol index, and the provider is
// required lazily: the bundle then evaluates the resources, the API client and the protocol
// internals after the handshake line, while the CLI is already dialling in.
import { serveProvider } from '../protocol/plugin/serve';
import { PROVIDER_TYPE } from './version';

serveProvider({
  typeName: PROVIDER_TYPE,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: () => (require('./provider') as typeof import('./provider')).tesseraProvider,
}).catch((failure: unknown) => {
  process.stderr.write(
    `[ERROR] terraform-provider-tessera failed to start: ${failure instanceof Error ? failure.message : String(failure)}\n`,
  );
  process.exit(1);
});
