// The last two handlers: unknown routes become a 404 problem, and anything thrown becomes a
// problem. Unexpected errors are logged by type and scrubbed message only (no stack, no request
// data) with the request's id, and answered with a generic 500 that carries that id and says
// nothing about the cause. A flood of the same failure is logged once plus a count.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type pino from 'pino';
import { bodyParserProblem } from './body';
import { scrubSecrets } from '../credentials/secret';
import { LogFloodGate } from '../log-flood';
import { errorForLog } from '../log-scrub';
import { DomainError } from '../errors';
import { HttpProblem, conflict, internalError, problemOf, sendProblem, unavailable } from './problem';

export function unknownRoute(req: Request, res: Response): void {
  sendProblem(res, new HttpProblem(404, 'not-found', 'Not Found', scrubSecrets(`No route ${req.method} ${req.path}.`).slice(0, 300)));
}

// The database being down or saturated is the server's problem and temporary: 503, not 500.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08006',
  '08001',
  '08003',
  // lock_timeout and statement_timeout: the request waited on another transaction or a slow
  // database, not on anything it sent; retrying shortly is the right answer.
  '55P03',
  '57014',
  // idle_in_transaction_session_timeout ended the connection.
  '25P03',
]);

// A connection that died under a query (the server was killed, the network dropped) fails in pg
// with a plain Error and no code, and knex reports the ROLLBACK that then fails on it as
// "ROLLBACK - <pg's message>". These are pg's own messages for that.
const CONNECTION_LOST =
  /(?:^|- )(?:Connection terminated(?: unexpectedly)?|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;

function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { name?: unknown }).name === 'KnexTimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return UNAVAILABLE_CODES.has(code);
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}

// Races the services' own checks cannot exclude (two requests creating the same email at once)
// surface as constraint violations: they are conflicts, not server errors.
function constraintConflict(error: unknown): HttpProblem | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === '23505' || code === '23503') return conflict('The request conflicts with a concurrent change; reload and retry.');
  if (code === '40001' || code === '40P01') return unavailable('A concurrent change interfered; retry the request.');
  // A value PostgreSQL cannot read (bad timestamp, number out of range) came from the client;
  // validation should have caught it, and this is the safety net.
  if (typeof code === 'string' && code.startsWith('22'))
    return new HttpProblem(400, 'bad-request', 'Bad Request', 'A value in the request is not acceptable.');
  return null;
}

function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

// A client's own X-Request-Id is kept only when it is short and plain, so it cannot carry
// anything into a log line or a response header.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Gives each request an id: the client's X-Request-Id if safe, else a new one; echoes it back. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.locals['requestId'] = id;
  res.setHeader('X-Request-Id', id);
  next();
}

function requestIdOf(res: Response): string {
  const id = res.locals['requestId'];
  if (typeof id === 'string') return id;
  const made = randomUUID();
  res.locals['requestId'] = made;
  if (!res.headersSent) res.setHeader('X-Request-Id', made);
  return made;
}

export function errorHandler(logger: pino.Logger, floodIntervalMs?: number) {
  const flood = new LogFloodGate(logger, floodIntervalMs);
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let problem: HttpProblem;
    if (error instanceof HttpProblem) problem = error;
    else if (error instanceof DomainError) problem = problemOf(error);
    else {
      const fromBody = bodyParserProblem(error);
      const clientStatus = clientErrorStatus(error);
      const fromConstraint = constraintConflict(error);
      if (fromBody) problem = fromBody;
      else if (fromConstraint) problem = fromConstraint;
      else if (isDatabaseUnavailable(error)) {
        const err = errorForLog(error);
        flood.log(
          'warn',
          `unavailable ${err.type} ${String(err.code)}`,
          { err: { type: err.type, code: err.code } },
          'database unavailable',
        );
        problem = unavailable('The service is temporarily unavailable; retry shortly.');
      } else if (clientStatus !== null)
        problem = new HttpProblem(clientStatus, 'bad-request', 'Bad Request', 'The request could not be processed.');
      else {
        const id = requestIdOf(res);
        const err = errorForLog(error);
        const route = (req.route as { path?: string } | undefined)?.path;
        flood.log(
          'error',
          `unexpected ${err.type} ${String(err.code)} ${err.message ?? ''}`,
          { err, method: req.method, route },
          'unexpected error while handling a request',
          { request_id: id },
        );
        problem = internalError(id);
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, problem);
  };
}
