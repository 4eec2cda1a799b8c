// The typed Tessera API client shared by the web page, the command line and the provider. Its
// types come from client/generated/api.ts (`npm run contract:generate`); it imports nothing
// from api/ so that it runs wherever the clients run.
export { API_PREFIX, createClient, newIdempotencyKey, type ClientOptions, type Exchange, type TesseraClient } from './client';
export { ApiError, problemOf, type FieldError, type Problem } from './errors';
export { fetchTransport, NetworkError, type FetchTransportOptions, type HttpRequest, type HttpResponse, type Transport } from './transport';
export { roleValues } from './generated/api';
export type { components, paths, Schemas, Method, PathsWith, Operation, SuccessBody, CallInit, ListPath, ListKey, ListItem } from './types';
