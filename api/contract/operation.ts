// What one API operation is, as the contract states it: method and path, who may call it, the
// schemas of what it reads (path ids, query, headers, body) and of every response it can give,
// with the response headers. Routes validate with these schemas; the OpenAPI document is
// generated from them (api/openapi/document.ts); nothing restates them by hand.
import { z } from 'zod';
import { MAX_BODY_BYTES } from './limits';
import { problem } from './problem';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * How a request is authenticated: `token` (a token header, or the session cookie, checked before
 * the handler runs), `public` (nothing), `session-cookie` (the handler reads the cookie itself).
 */
export type Access = 'token' | 'public' | 'session-cookie';

/**
 * Who may call a `token` operation, checked before its input is read (so a caller without the
 * right gets 403 whatever they sent): any `user` (not a service account), a `sysadmin` (a user
 * or service account with the SysAdmin role through a team), or a `directory-reader` (a user or
 * service account with any team role). Absent: any authenticated principal.
 */
export type Requirement = 'user' | 'sysadmin' | 'directory-reader';

export interface HeaderSpec {
  description: string;
  schema: z.ZodType;
}

export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for empty responses (204). Problems use the Problem schema. */
  body?: z.ZodType;
  /** The media type of `body`; default application/json. */
  mediaType?: string;
  headers?: Record<string, HeaderSpec>;
}

export interface PathParameter {
  description: string;
  /** What a non-UUID or unknown id is reported as ("No such team."). */
  what: string;
}

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** An OpenAPI path template relative to /api/v1, e.g. /teams/{id}. */
  path: string;
  tag: string;
  summary: string;
  description: string;
  access: Access;
  requires?: Requirement;
  /** Path parameters in the order of the path; all are UUIDs. */
  params?: Record<string, PathParameter>;
  query?: z.ZodObject;
  /** Request headers the operation reads, by their canonical name. */
  headers?: Record<string, HeaderSpec & { required: boolean }>;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
}

// Schemas whose JSON Schema is stated here rather than derived: the query parameters that
// arrive as text and are read as numbers. The document generator applies these.
const documentedSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** Documents `schema` as `jsonSchema` in the OpenAPI document; returns the schema. */
export function documentedAs<T extends z.ZodType>(schema: T, jsonSchema: Record<string, unknown>): T {
  documentedSchemas.set(schema, jsonSchema);
  return schema;
}

export function documentedSchemaOf(schema: unknown): Record<string, unknown> | undefined {
  return typeof schema === 'object' && schema !== null ? documentedSchemas.get(schema as z.ZodType) : undefined;
}

/**
 * Declares an operation, keeping the literal operationId and the types of its parameters, query
 * and body, so handlers receive typed input (api/http/operations.ts).
 */
export function defineOperation<
  const Id extends string,
  const Params extends Record<string, PathParameter> = Record<never, PathParameter>,
  Query extends z.ZodObject | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
>(
  operation: Omit<Operation, 'operationId' | 'params' | 'query' | 'body'> & {
    operationId: Id;
    params?: Params;
    query?: Query;
    body?: Body;
  },
) {
  return operation as Operation & { operationId: Id; params?: Params; query: Query; body: Body };
}

export const jsonResponse = (description: string, body: z.ZodType, headers?: Record<string, HeaderSpec>): ResponseSpec => ({
  description,
  body,
  ...(headers ? { headers } : {}),
});

// Response headers, declared once.
export const LOCATION: HeaderSpec = { description: 'The URL of the created object.', schema: z.string() };
export const NO_STORE: HeaderSpec = {
  description: 'no-store: the body carries a secret no cache may keep.',
  schema: z.literal('no-store'),
};
export const REPLAYED: HeaderSpec = {
  description: '`true` when this is the stored response to an earlier request with the same Idempotency-Key.',
  schema: z.literal('true'),
};
const RETRY_AFTER: HeaderSpec = { description: 'Seconds until the request may succeed.', schema: z.string().regex(/^\d+$/) };
const WWW_AUTHENTICATE: HeaderSpec = { description: 'Bearer realm="tessera"', schema: z.string() };

// Every error status an operation can return, with the same meaning everywhere.
const ERROR_RESPONSES = {
  400: { description: 'Malformed JSON or an unreadable request.', body: problem },
  401: {
    description: 'Missing, malformed, unknown, expired or revoked credential, or a deactivated user. Always the same body.',
    body: problem,
    headers: { 'WWW-Authenticate': WWW_AUTHENTICATE },
  },
  403: {
    description:
      'Authenticated, but not allowed to do this (role, credential kind, or a failed CSRF check). A missing role adds `required_roles`.',
    body: problem,
  },
  404: { description: 'No such object, or one the caller may not see.', body: problem },
  405: {
    description: 'The path exists but not with this method.',
    body: problem,
    headers: { Allow: { description: 'The methods the path accepts.', schema: z.string() } },
  },
  409: { description: 'Conflicts with existing state (a duplicate, a reused Idempotency-Key, deactivating yourself).', body: problem },
  413: { description: `Request body larger than ${MAX_BODY_BYTES} bytes.`, body: problem },
  415: { description: 'Request body is not application/json (UTF-8).', body: problem },
  422: { description: 'Validation failed; `errors` names every bad field.', body: problem },
  429: {
    description:
      'The credential was not accepted, and too many have failed from this address: back off until Retry-After. A valid credential is never answered 429.',
    body: problem,
    headers: { 'Retry-After': RETRY_AFTER },
  },
  503: { description: 'The database is unreachable or busy; retry shortly.', body: problem, headers: { 'Retry-After': RETRY_AFTER } },
} satisfies Record<number, ResponseSpec>;

export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** The listed error responses; an operation adds its own wording by overriding an entry. */
export function errors(...statuses: ErrorStatus[]): Record<number, ResponseSpec> {
  return Object.fromEntries(statuses.map((status) => [status, ERROR_RESPONSES[status]]));
}

/**
 * What any request can be refused with before its operation runs: an unreadable path (bad
 * percent-encoding) or a body that is malformed, too large or not JSON. Every request may carry
 * a body, a GET or DELETE too, and it is read before routing.
 */
export const ANY_REQUEST: ErrorStatus[] = [400, 413, 415];
/** The errors every authenticated operation can give, before its own. */
export const AUTHENTICATED: ErrorStatus[] = [...ANY_REQUEST, 401, 429, 503];
/** The errors of reading a JSON body. */
export const WITH_BODY: ErrorStatus[] = [400, 413, 415, 422];
