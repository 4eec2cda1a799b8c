// Whether a create whose request failed may still have made the object: the resources that
// create secrets (personal access tokens, service accounts) record such a create instead of
// forgetting it, so the next refresh can settle it.
import { TesseraApiError, TesseraConnectionError } from '../../tessera/errors';

/**
 * Whether a failed create may still have made the object. Only an answer from the API that
 * refuses the request (4xx) proves it did not; a lost connection, a timeout, a cancelled call,
 * a 5xx (a gateway may have forwarded the request) or an unreadable 201 body prove nothing.
 * A 409 is a refusal of this key or reference, which the first attempt may itself have used.
 * A connection that never opened on any attempt (refused, DNS, TLS) proves it too: nothing was sent.
 */
export function createOutcomeUnknown(failure: unknown): boolean {
  if (failure instanceof TesseraApiError) return failure.status >= 500 || failure.status === 409;
  if (failure instanceof TesseraConnectionError) return failure.requestMayHaveArrived;
  return true;
}
