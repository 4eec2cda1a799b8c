import { CtyError } from '../errors';

/** Runs `fn` and returns the CtyError it throws; fails the test if it throws anything else or nothing. */
export function ctyErrorOf(fn: () => unknown): CtyError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CtyError) return err;
    throw new Error(`expected a CtyError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a CtyError, but nothing was thrown');
}
