// Type-level reading of the generated `paths`: which paths take which method, what an
// operation's parameters and JSON body are, and what its success response carries. Nothing
// here restates a shape; every type is computed from client/generated/api.ts.
import type { components, paths } from './generated/api';

export type { components, paths };
export type Schemas = components['schemas'];

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** The paths that have an operation for method M. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];

export type Operation<P extends keyof paths, M extends Method> = Extract<paths[P][M], { responses: unknown }>;

type SuccessStatus = 200 | 201 | 202 | 204;
type ResponsesOf<O> = O extends { responses: infer R } ? R : never;
type JsonContent<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;

/** The JSON body of the operation's success response (undefined for 204). */
export type SuccessBody<O> = {
  [S in keyof ResponsesOf<O> & SuccessStatus]: JsonContent<ResponsesOf<O>[S]>;
}[keyof ResponsesOf<O> & SuccessStatus];

type ParametersOf<O> = O extends { parameters: infer Pm } ? Pm : never;
type Part<O, K extends 'path' | 'query' | 'header'> = K extends keyof ParametersOf<O> ? ParametersOf<O>[K] : undefined;
type JsonBody<O> = O extends { requestBody?: infer B }
  ? B extends { content: { 'application/json': infer J } }
    ? J
    : undefined
  : undefined;
type BodyRequired<O> = O extends { requestBody: { content: unknown } } ? true : false;

// A field that the operation does not take may be left out (never given); one it takes is
// required when the document says so.
type Field<K extends string, T, Required extends boolean> = [Exclude<T, undefined>] extends [never]
  ? { [F in K]?: never }
  : Required extends true
    ? { [F in K]: Exclude<T, undefined> }
    : { [F in K]?: Exclude<T, undefined> };

type IsRequired<T> = undefined extends T ? false : true;

/** What one call of operation O takes besides its path. */
export type CallInit<O> = Field<'path', Part<O, 'path'>, IsRequired<Part<O, 'path'>>> &
  Field<'query', Part<O, 'query'>, IsRequired<Part<O, 'query'>>> &
  Field<'header', Part<O, 'header'>, IsRequired<Part<O, 'header'>>> &
  Field<'body', JsonBody<O>, BodyRequired<O>> & {
    /** Aborts the request (e.g. the page navigates away). */
    signal?: AbortSignal;
  };

type RequiredKeys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];

/** The init argument: optional when the operation needs none of its fields. */
export type InitArgs<O> = [RequiredKeys<CallInit<O>>] extends [never] ? [init?: CallInit<O>] : [init: CallInit<O>];

/** GET paths that answer one page of a listing (`next_page_token` + one array). */
export type ListPath = {
  [P in PathsWith<'get'>]: SuccessBody<Operation<P, 'get'>> extends { next_page_token: string | null } ? P : never;
}[PathsWith<'get'>];

/** The name of the array a listing's page holds, e.g. "personal_access_tokens". */
export type ListKey<P extends ListPath> = {
  [K in keyof SuccessBody<Operation<P, 'get'>>]: SuccessBody<Operation<P, 'get'>>[K] extends ReadonlyArray<unknown> ? K : never;
}[keyof SuccessBody<Operation<P, 'get'>>];

export type ListItem<P extends ListPath, K extends ListKey<P>> =
  SuccessBody<Operation<P, 'get'>>[K] extends ReadonlyArray<infer I> ? I : never;
