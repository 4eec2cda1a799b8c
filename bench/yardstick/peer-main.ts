// Entry point of the bundled yardstick provider, started the way every provider here is: the
// handshake line first, the provider's code loaded lazily right after it.
import { serveProvider } from '../../provider/protocol/plugin/serve';

void serveProvider({
  typeName: 'peer',
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: () => (require('./peer-provider') as typeof import('./peer-provider')).peerProvider,
});
