// Mounts the contract's operations on a router: each gets its method and path, the token
// authentication it declares, and its input validated with its schemas before the handler runs
// (a path id that is not a UUID is a 404, a bad query or body one 422 naming every bad field).
// Every path also answers the methods it lacks with 405 and Allow, and OPTIONS with Allow.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { apiOperations } from '../contract';
import type { Operation } from '../contract/operation';
import { isUuid } from '../contract/primitives';
import { NotFoundError } from '../errors';
import { requireDirectoryRead, requireSysAdmin, requireUser } from './authenticate';
import { bodyOf } from './body';
import { methodNotAllowed } from './problem';
import { parseOrProblem } from './validation';

export type ApiOperation = ReturnType<typeof apiOperations>[number];
export type OperationId = ApiOperation['operationId'];
type OperationById<K extends OperationId> = Extract<ApiOperation, { operationId: K }>;

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives, already validated. */
export interface OperationInput<O extends Operation> {
  params: { [K in keyof NonNullable<O['params']>]: string };
  query: Output<O['query']>;
  body: Output<O['body']>;
}

export type OperationHandler<O extends Operation> = ((input: OperationInput<O>, req: Request, res: Response) => Promise<void> | void) & {
  /** A check that must come before the input is read (it throws to refuse the request). */
  before?: (req: Request, res: Response) => void;
};

/** A handler with a check that runs before its input is validated. */
export function checkedFirst<H extends (...args: never[]) => unknown>(
  before: (req: Request, res: Response) => void,
  handler: H,
): H & { before: typeof before } {
  return Object.assign(handler, { before });
}

/** One handler per operation of the contract: the compiler checks none is missing or extra. */
export type Handlers = { [K in OperationId]: OperationHandler<OperationById<K>> };
export type HandlersFor<K extends OperationId> = Pick<Handlers, K>;

/** /teams/{id} as Express writes it: /teams/:id */
export const expressPath = (path: string): string => path.replace(/\{([^}]+)\}/g, ':$1');

function validated(operation: Operation, req: Request): OperationInput<Operation> {
  const params: Record<string, string> = {};
  for (const [name, spec] of Object.entries(operation.params ?? {})) {
    const value = req.params[name];
    // Ids that are not UUIDs cannot name anything: not found, rather than invalid.
    if (!isUuid(value)) throw new NotFoundError(spec.what);
    params[name] = value;
  }
  return {
    params,
    query: operation.query ? parseOrProblem(operation.query, req.query, 'query') : undefined,
    body: operation.body ? parseOrProblem(operation.body, bodyOf(req)) : undefined,
  };
}

const REQUIREMENTS = { user: requireUser, sysadmin: requireSysAdmin, 'directory-reader': requireDirectoryRead } as const;

function route(operation: Operation, handler: OperationHandler<Operation>): RequestHandler {
  const requirement = operation.requires === undefined ? undefined : REQUIREMENTS[operation.requires];
  const before = handler.before;
  // Without requirement, parameters, query or body there is nothing to check: the handler is
  // called straight away (GET /me is the hottest route).
  if (!requirement && !before && !operation.params && !operation.query && !operation.body) {
    const empty: OperationInput<Operation> = { params: {}, query: undefined, body: undefined };
    return (req, res) => handler(empty, req, res);
  }
  return (req, res) => {
    // The right to call comes first: a caller without it learns nothing from validation.
    requirement?.(res);
    before?.(req, res);
    return handler(validated(operation, req), req, res);
  };
}

export function mountOperations(router: Router, operations: readonly Operation[], handlers: Handlers, authenticate: RequestHandler): void {
  const methods = new Map<string, string[]>();
  for (const operation of operations) {
    const handler = (handlers as unknown as Record<string, OperationHandler<Operation>>)[operation.operationId];
    if (handler === undefined) throw new Error(`no handler for operation ${operation.operationId}`);
    const path = expressPath(operation.path);
    const chain = operation.access === 'token' ? [authenticate, route(operation, handler)] : [route(operation, handler)];
    router[operation.method](path, ...chain);
    const allowed = methods.get(path) ?? [];
    allowed.push(operation.method.toUpperCase());
    methods.set(path, allowed);
  }
  for (const [path, allowed] of methods) {
    const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
    router.all(path, (req: Request, res: Response, next: NextFunction) => {
      if (req.method === 'OPTIONS') {
        res.setHeader('Allow', allow.join(', '));
        res.status(204).end();
        return;
      }
      next(methodNotAllowed(req.method, allow));
    });
  }
}
