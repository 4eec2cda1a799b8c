// Shapes of the Tessera API responses the provider reads (docs/api-contract.md), checked at the
// boundary so a surprising body becomes a clear error instead of a crash deep in a handler.
// zod/mini rather than zod: the same checks at 1/25 of the bundle size, and the CLI starts the
// provider 2–5 times per command, parsing the whole bundle each time.
import * as z from 'zod/mini';

const timestamp = z.string().check(z.minLength(1));

export const teamMembershipSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
});

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  teams: z.array(teamMembershipSchema),
  authenticated_by: z.optional(
    z.object({
      type: z.string(),
      token_id: z.optional(z.nullable(z.string())),
      expires_at: z.optional(z.nullable(timestamp)),
    }),
  ),
});
export type Me = z.infer<typeof meSchema>;

export const tokenPolicySchema = z.object({
  personal_access_token: z.object({
    min_expiration_days: z.int(),
    max_expiration_days: z.int(),
  }),
});
export type TokenPolicy = z.infer<typeof tokenPolicySchema>;

export const createdTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  token_hint: z.string(),
  expiration_days: z.optional(z.int()),
  created_at: timestamp,
  expires_at: timestamp,
  created_via: z.optional(z.nullable(z.string())),
  client_reference: z.optional(z.nullable(z.string())),
});
export type CreatedToken = z.infer<typeof createdTokenSchema>;

export const tokenMetadataSchema = z.object({
  id: z.string(),
  name: z.string(),
  token_hint: z.string(),
  expiration_days: z.optional(z.int()),
  created_at: timestamp,
  expires_at: timestamp,
  last_used_at: z.optional(z.nullable(timestamp)),
  created_via: z.optional(z.nullable(z.string())),
  client_reference: z.optional(z.nullable(z.string())),
});
export type TokenMetadata = z.infer<typeof tokenMetadataSchema>;

export const tokenListPageSchema = z.object({
  personal_access_tokens: z.array(tokenMetadataSchema),
  next_page_token: z.optional(z.nullable(z.string())),
});

export const problemSchema = z.object({
  type: z.optional(z.string()),
  title: z.optional(z.string()),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
});

export interface CreateTokenRequest {
  name: string;
  expiration_days: number;
  /** Which client made the token, e.g. `terraform-provider-tessera/0.1.0`. */
  created_via?: string;
  /** The client's own reference for this one create: finds the token if the answer is lost. */
  client_reference?: string;
}

/** Filters of the token listing (the markers set at create). */
export interface TokenListFilter {
  created_via?: string;
  client_reference?: string;
}
