// Entry point of the bundled yardstick provider, started the way every provider here is: the
// handshake line first, the provider's code loaded lazily right after it. With PEER_RECORD_FILE
// set (only in the bench's recording runs), it also records its answers for the Node floor.
import { serveProvider } from '../../provider/protocol/plugin/serve';

const recordFile = process.env.PEER_RECORD_FILE;
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (recordFile) (require('./replay') as typeof import('./replay')).recordCalls(recordFile);

void serveProvider({
  typeName: 'peer',
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: () => (require('./peer-provider') as typeof import('./peer-provider')).peerProvider,
});
