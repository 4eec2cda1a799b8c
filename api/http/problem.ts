// RFC 9457 problem details. Handlers throw HttpProblem; the error handler renders it. The
// `type` URIs are URNs: stable identifiers clients can switch on, not links to fetch.
import type { Response } from 'express';

export interface FieldError {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
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
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.headers = headers;
  }

  body(): ProblemBody {
    const body: ProblemBody = { type: `urn:tessera:problem:${this.slug}`, title: this.title, status: this.status, detail: this.detail };
    if (this.errors) body.errors = this.errors;
    return body;
  }
}

export function sendProblem(res: Response, problem: HttpProblem): void {
  res.status(problem.status);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/problem+json');
  res.end(JSON.stringify(problem.body()));
}

// The one 401 body: identical for every reason so a caller cannot probe which one applied.
export const unauthorized = (): HttpProblem =>
  new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'A valid token is required: send it as "Authorization: Bearer <token>" or "API-Token: <token>".', undefined, {
    'WWW-Authenticate': 'Bearer realm="tessera"',
  });

export const forbidden = (detail: string): HttpProblem => new HttpProblem(403, 'forbidden', 'Forbidden', detail);

export const notFound = (what = 'resource'): HttpProblem =>
  new HttpProblem(404, 'not-found', 'Not Found', `No such ${what}.`);

export const conflict = (detail: string): HttpProblem => new HttpProblem(409, 'conflict', 'Conflict', detail);

export const validationFailed = (errors: FieldError[]): HttpProblem =>
  new HttpProblem(
    422,
    'validation-failed',
    'Validation Failed',
    `The request has invalid fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`,
    errors,
  );

export const tooManyFailures = (retryAfterSeconds: number): HttpProblem =>
  new HttpProblem(
    429,
    'too-many-failed-authentications',
    'Too Many Requests',
    `Too many failed authentications from this address; retry after ${retryAfterSeconds} seconds.`,
    undefined,
    { 'Retry-After': String(retryAfterSeconds) },
  );

export const internalError = (): HttpProblem =>
  new HttpProblem(500, 'internal-error', 'Internal Server Error', 'The server could not complete the request.');

export const unavailable = (detail: string): HttpProblem =>
  new HttpProblem(503, 'unavailable', 'Service Unavailable', detail, undefined, { 'Retry-After': '1' });
