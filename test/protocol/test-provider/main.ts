// Entry point of the bundled test provider (what the mirror's launcher runs).
import { serveProvider } from '../../../provider/protocol';
import { tptProvider } from './definition';

void serveProvider(tptProvider);
