// Domain errors: what services, repositories and the auth layer throw when a request cannot be
// carried out. They say what went wrong in the domain's words and know nothing of HTTP; the one
// mapper in api/http/problem.ts (problemOf) turns each into its problem+json response.

/** One bad input field: `field` is a dotted path (`body.name`, `page_size`), `message` says why. */
export interface FieldError {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  /** A stable, URL-safe identifier of the kind of failure (becomes the problem type URN). */
  abstract readonly code: string;
  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** The thing named does not exist, or the caller may not know that it does. */
export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  constructor(readonly what = 'resource') {
    super(`No such ${what}.`);
  }
}

/** The request contradicts existing state (a duplicate name, a reused idempotency key). */
export class ConflictError extends DomainError {
  constructor(
    detail: string,
    readonly code = 'conflict',
  ) {
    super(detail);
  }
}

/**
 * The caller is known but may not do this. `code` narrows the reason (e.g. csrf-check-failed);
 * `requiredRoles`, when the reason is a missing role, lists the roles any one of which would do.
 */
export class ForbiddenError extends DomainError {
  constructor(
    detail: string,
    readonly code = 'forbidden',
    readonly requiredRoles?: readonly string[],
  ) {
    super(detail);
  }
}

/** No acceptable credential: missing, unknown, expired, revoked, or a wrong password. */
export class UnauthenticatedError extends DomainError {
  // The default is the one message for every token failure, so a caller cannot probe which
  // reason applied.
  constructor(
    detail = 'A valid token is required: send it as "Authorization: Bearer <token>" or "API-Token: <token>".',
    readonly code = 'unauthenticated',
  ) {
    super(detail);
  }
}

/** Input that breaks a rule; every bad field is named. */
export class InvalidError extends DomainError {
  readonly code = 'validation-failed';
  constructor(readonly errors: FieldError[]) {
    super(`The request has invalid fields: ${[...new Set(errors.map((e) => e.field))].join(', ')}.`);
  }
}

/** Too many failed attempts from one address; retry after the given number of seconds. */
export class RateLimitedError extends DomainError {
  readonly code = 'too-many-failed-authentications';
  constructor(
    readonly retryAfterSeconds: number,
    detail = `Too many failed authentications from this address; retry after ${retryAfterSeconds} seconds.`,
  ) {
    super(detail);
  }
}

/** Something the service depends on is temporarily missing; the same request may work later. */
export class UnavailableError extends DomainError {
  constructor(
    detail: string,
    readonly code = 'unavailable',
  ) {
    super(detail);
  }
}
