// RFC 9457 problem details. Services throw domain errors (api/errors); problemOf is the one place
// that decides which HTTP status, problem type and headers each becomes. Problems that only the
// HTTP layer can detect (a malformed body, an unknown route or method) are HttpProblems directly.
// The `type` URIs are URNs: stable identifiers clients can switch on, not links to fetch.
import type { Response } from 'express';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  type FieldError,
} from '../errors';

export type { FieldError };

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  required_roles?: string[];
  request_id?: string;
}

export class HttpProblem extends Error {
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    headers: Record<string, string> = {},
    readonly requestId?: string,
    readonly requiredRoles?: readonly string[],
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.headers = headers;
  }

  body(): ProblemBody {
    const body: ProblemBody = { type: `urn:tessera:problem:${this.slug}`, title: this.title, status: this.status, detail: this.detail };
    if (this.errors) body.errors = this.errors;
    if (this.requiredRoles) body.required_roles = [...this.requiredRoles];
    if (this.requestId !== undefined) body.request_id = this.requestId;
    return body;
  }
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  res.status(problem.status);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/problem+json');
  res.end(JSON.stringify(problem.body()));
}

const WWW_AUTHENTICATE = { 'WWW-Authenticate': 'Bearer realm="tessera"' };

/** The problem+json response for a domain error. */
export function problemOf(error: DomainError): HttpProblem {
  if (error instanceof NotFoundError) return new HttpProblem(404, error.code, 'Not Found', error.detail);
  if (error instanceof InvalidError) return new HttpProblem(422, error.code, 'Validation Failed', error.detail, error.errors);
  if (error instanceof ConflictError) return new HttpProblem(409, error.code, 'Conflict', error.detail);
  if (error instanceof ForbiddenError)
    return new HttpProblem(403, error.code, 'Forbidden', error.detail, undefined, {}, undefined, error.requiredRoles);
  if (error instanceof UnauthenticatedError)
    return new HttpProblem(401, error.code, 'Unauthenticated', error.detail, undefined, WWW_AUTHENTICATE);
  if (error instanceof RateLimitedError) {
    return new HttpProblem(429, error.code, 'Too Many Requests', error.detail, undefined, {
      'Retry-After': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof UnavailableError)
    return new HttpProblem(503, error.code, 'Service Unavailable', error.detail, undefined, { 'Retry-After': '1' });
  return internalError();
}

export const notFound = (what = 'resource'): HttpProblem => problemOf(new NotFoundError(what));

export const validationFailed = (errors: FieldError[]): HttpProblem => problemOf(new InvalidError(errors));

export const methodNotAllowed = (method: string, allowed: readonly string[]): HttpProblem =>
  new HttpProblem(
    405,
    'method-not-allowed',
    'Method Not Allowed',
    `${method} is not allowed here; allowed: ${allowed.join(', ')}.`,
    undefined,
    {
      Allow: allowed.join(', '),
    },
  );

export const internalError = (requestId?: string): HttpProblem =>
  new HttpProblem(500, 'internal-error', 'Internal Server Error', 'The server could not complete the request.', undefined, {}, requestId);

export const unavailable = (detail: string): HttpProblem => problemOf(new UnavailableError(detail));

export const conflict = (detail: string): HttpProblem => problemOf(new ConflictError(detail));
