// Entry point of the provider executable: the CLI runs it with no arguments and reads the
// handshake line from stdout (serveProvider writes nothing else there).
import { serveProvider } from '../protocol';
import { tesseraProvider } from './provider';

serveProvider(tesseraProvider).catch((failure: unknown) => {
  process.stderr.write(`[ERROR] terraform-provider-tessera failed to start: ${failure instanceof Error ? failure.message : String(failure)}\n`);
  process.exit(1);
});
