// Typed failures of the Tessera API client. They carry what a user needs to act (the endpoint,
// the API's problem `detail`, the fields it named) and never a request header, so the secret
// cannot leak into a diagnostic or a log line through them.

export interface FieldProblem {
  field: string;
  message: string;
}

/** The API answered with a non-2xx status (after retries, where retrying applies). */
export class TesseraApiError extends Error {
  override readonly name = 'TesseraApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: readonly FieldProblem[],
  ) {
    super(`${method} ${path} returned ${status}${title ? ` ${title}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

/** The endpoint could not be reached (refused, reset, DNS, TLS) after every retry. */
export class TesseraConnectionError extends Error {
  override readonly name = 'TesseraConnectionError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Tessera API at ${endpoint}: ${reason}`);
  }
}

/** One request took longer than the per-request timeout on every attempt. */
export class TesseraTimeoutError extends Error {
  override readonly name = 'TesseraTimeoutError';
  constructor(
    readonly endpoint: string,
    readonly timeoutMs: number,
  ) {
    super(`the Tessera API at ${endpoint} did not answer within ${timeoutMs} ms`);
  }
}

/** The caller (StopProvider) cancelled the request. */
export class TesseraAbortedError extends Error {
  override readonly name = 'TesseraAbortedError';
  constructor() {
    super('the request to the Tessera API was cancelled because Terraform asked the provider to stop');
  }
}

/** The API answered 2xx but with a body that does not match the contract. */
export class TesseraResponseError extends Error {
  override readonly name = 'TesseraResponseError';
  constructor(
    readonly method: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${method} ${path} returned an unexpected body: ${reason}`);
  }
}

export type TesseraClientError =
  | TesseraApiError
  | TesseraConnectionError
  | TesseraTimeoutError
  | TesseraAbortedError
  | TesseraResponseError;

export function isTesseraClientError(error: unknown): error is TesseraClientError {
  return (
    error instanceof TesseraApiError ||
    error instanceof TesseraConnectionError ||
    error instanceof TesseraTimeoutError ||
    error instanceof TesseraAbortedError ||
    error instanceof TesseraResponseError
  );
}
