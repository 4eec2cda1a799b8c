// The API answers every refusal with an RFC 9457 problem (application/problem+json); the client
// turns it into an ApiError carrying the problem's fields.
import type { Schemas } from './types';

export type Problem = Schemas['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    /** Response headers (lower-case names), e.g. retry-after on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }

  get title(): string {
    return this.problem.title;
  }

  get detail(): string {
    return this.problem.detail;
  }

  get type(): string {
    return this.problem.type;
  }

  /** The fields a 422 names, each with what is wrong with it; empty otherwise. */
  get errors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

/** The problem an error response carries, or one made from its status when it carries none (e.g. a proxy's HTML page). */
export function problemOf(status: number, statusText: string, body: string): Problem {
  let payload: unknown = null;
  try {
    payload = JSON.parse(body);
  } catch {
    // not JSON
  }
  if (payload !== null && typeof payload === 'object' && typeof (payload as { title?: unknown }).title === 'string') {
    const candidate = payload as Partial<Record<keyof Problem, unknown>>;
    const title = candidate.title as string;
    return {
      type: typeof candidate.type === 'string' ? candidate.type : 'about:blank',
      title,
      status: typeof candidate.status === 'number' ? candidate.status : status,
      detail: typeof candidate.detail === 'string' ? candidate.detail : title,
      ...(Array.isArray(candidate.errors) ? { errors: candidate.errors.filter(isFieldError) } : {}),
    };
  }
  const title = statusText || `HTTP ${status}`;
  return { type: 'about:blank', title, status, detail: title };
}

function isFieldError(value: unknown): value is FieldError {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { field?: unknown }).field === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
