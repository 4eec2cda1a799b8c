// The provider executable's entry point. serveProvider prints the handshake line first and
// only then loads the provider's code (`load`), so Terraform's many launches stay fast.
// Start it with `--debug` to run it under a debugger (see the README).
import { serveProvider } from '../../plugin/serve';

void serveProvider({
  typeName: 'kv',
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: () => (require('./provider') as typeof import('./provider')).kvProvider,
});
