// Shapes of the Tessera API responses the provider reads (api-contract.md), checked at the
// boundary so a surprising body becomes a clear error instead of a crash deep in a handler.
import { z } from 'zod';

const timestamp = z.string().min(1);

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
  authenticated_by: z
    .object({
      type: z.string(),
      token_id: z.string().nullable().optional(),
      expires_at: timestamp.nullable().optional(),
    })
    .optional(),
});
export type Me = z.infer<typeof meSchema>;

export const tokenPolicySchema = z.object({
  personal_access_token: z.object({
    min_expiration_days: z.number().int(),
    max_expiration_days: z.number().int(),
  }),
});
export type TokenPolicy = z.infer<typeof tokenPolicySchema>;

export const createdTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  token_hint: z.string(),
  expiration_days: z.number().int().optional(),
  created_at: timestamp,
  expires_at: timestamp,
});
export type CreatedToken = z.infer<typeof createdTokenSchema>;

export const tokenMetadataSchema = z.object({
  id: z.string(),
  name: z.string(),
  token_hint: z.string(),
  expiration_days: z.number().int().optional(),
  created_at: timestamp,
  expires_at: timestamp,
  last_used_at: timestamp.nullable().optional(),
});
export type TokenMetadata = z.infer<typeof tokenMetadataSchema>;

export const tokenListPageSchema = z.object({
  personal_access_tokens: z.array(tokenMetadataSchema),
  next_page_token: z.string().nullable().optional(),
});

export const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export interface CreateTokenRequest {
  name: string;
  expiration_days: number;
}
