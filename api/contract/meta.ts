// The public endpoints: the token policy and the OpenAPI document itself.
import { z } from 'zod';
import { DEFAULT_PAT_MAX_DAYS, PAT_MIN_DAYS } from './limits';
import { errors, jsonResponse, defineOperation } from './operation';

export function tokenPolicySchema(patMaxDays: number) {
  return z.object({
    personal_access_token: z.object({
      // Integers, not constants: clients are typed from one document, while an operator may lower
      // the maximum of a running server (TESSERA_PAT_MAX_DAYS), which this example shows.
      min_expiration_days: z.int().min(PAT_MIN_DAYS).max(DEFAULT_PAT_MAX_DAYS).meta({ example: PAT_MIN_DAYS }),
      max_expiration_days: z
        .int()
        .min(PAT_MIN_DAYS)
        .max(DEFAULT_PAT_MAX_DAYS)
        .meta({ example: patMaxDays, description: 'The longest lifetime this server allows (TESSERA_PAT_MAX_DAYS).' }),
    }),
  });
}

export type TokenPolicy = z.infer<ReturnType<typeof tokenPolicySchema>>;

// Like every request, these may carry a body: a malformed, oversized or non-JSON one is refused
// (400, 413, 415) before the handler runs.
export function metaOperations(patMaxDays: number) {
  return [
    defineOperation({
      operationId: 'getTokenPolicy',
      method: 'get',
      path: '/token-policy',
      tag: 'Meta',
      summary: 'Token policy (public)',
      description: 'The lifetimes a personal access token may have on this server; the operator may lower the maximum.',
      access: 'public',
      responses: { 200: jsonResponse('The policy.', tokenPolicySchema(patMaxDays)), ...errors(400, 413, 415) },
    }),
    defineOperation({
      operationId: 'getOpenApiDocument',
      method: 'get',
      path: '/openapi.json',
      tag: 'Meta',
      summary: 'This document (public)',
      description: 'The OpenAPI 3.1 document of this server, generated from the same schemas the server validates with.',
      access: 'public',
      responses: { 200: jsonResponse('The document.', z.record(z.string(), z.unknown())), ...errors(400, 413, 415) },
    }),
  ] as const;
}
