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
    /** The problem's `type` URN (e.g. urn:tessera:problem:client-reference-in-use), '' when absent. */
    readonly problemType: string = '',
    /** On a 403 for a missing role: the team roles any one of which would allow the request. */
    readonly requiredRoles: readonly string[] = [],
  ) {
    super(`${method} ${path} returned ${status}${title ? ` ${title}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

/** How much trying a failure took: attempts made and the real time spent since the operation began. */
export interface AttemptSummary {
  attempts: number;
  elapsedMs: number;
}

export function describeAttempts(summary: AttemptSummary): string {
  return `${summary.attempts} attempt${summary.attempts === 1 ? '' : 's'} in ${(summary.elapsedMs / 1000).toFixed(1)} s`;
}

/** The endpoint could not be reached (refused, reset, DNS, TLS) after every retry. */
export class TesseraConnectionError extends Error {
  override readonly name = 'TesseraConnectionError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
    readonly summary?: AttemptSummary,
    /** False when retrying cannot help (e.g. https:// against a plain-HTTP server). */
    readonly retryable: boolean = true,
    /**
     * False only when no attempt can have delivered the request (every one failed before a
     * connection existed: refused, DNS, unreachable, TLS handshake). A create that failed that
     * way certainly made nothing.
     */
    readonly requestMayHaveArrived: boolean = true,
  ) {
    super(`cannot reach the Tessera API at ${endpoint}: ${reason}${summary ? ` (${describeAttempts(summary)})` : ''}`);
  }

  withSummary(summary: AttemptSummary, requestMayHaveArrived: boolean = this.requestMayHaveArrived): TesseraConnectionError {
    return new TesseraConnectionError(this.endpoint, this.reason, summary, this.retryable, requestMayHaveArrived);
  }
}

/**
 * The API gave no answer in time: the operation's deadline (`request_timeout`) passed, or every
 * attempt ran into the per-attempt timeout.
 */
export class TesseraTimeoutError extends Error {
  override readonly name = 'TesseraTimeoutError';
  constructor(
    readonly endpoint: string,
    /** e.g. "60s (TESSERA_REQUEST_TIMEOUT)"; undefined when the per-attempt timeout ended it. */
    readonly deadline: string | undefined,
    readonly summary: AttemptSummary,
    readonly attemptTimeoutMs: number,
  ) {
    super(
      deadline !== undefined
        ? `the Tessera API at ${endpoint} gave no answer within the request timeout of ${deadline}: ${describeAttempts(summary)}`
        : `the Tessera API at ${endpoint} gave no answer: ${describeAttempts(summary)}, each waiting up to ${Math.round(attemptTimeoutMs / 1000)} s`,
    );
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
  TesseraApiError | TesseraConnectionError | TesseraTimeoutError | TesseraAbortedError | TesseraResponseError;

export function isTesseraClientError(error: unknown): error is TesseraClientError {
  return (
    error instanceof TesseraApiError ||
    error instanceof TesseraConnectionError ||
    error instanceof TesseraTimeoutError ||
    error instanceof TesseraAbortedError ||
    error instanceof TesseraResponseError
  );
}
