// A fault-proxy rule for the retry tests of the client and the CLI.
import type { FaultRule } from '../support/fault-proxy';

/** Loses the answer to the first create (the API has acted on it); passes everything else. */
export function loseFirstCreate(): FaultRule {
  let lost = false;
  return ({ method, path }) => {
    if (
      !lost &&
      method === 'POST' &&
      path.startsWith('/api/v1/personal-access-tokens') &&
      !path.startsWith('/api/v1/personal-access-tokens/')
    ) {
      lost = true;
      return 'forward-reset';
    }
    return 'forward';
  };
}
