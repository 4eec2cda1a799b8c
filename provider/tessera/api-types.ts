// The Tessera API shapes the provider uses. The types come from the one contract (api/contract →
// the OpenAPI document → client/generated/api.ts); the provider never restates them. The zod/mini
// schemas below are only the run-time guard at the boundary, so a surprising body becomes a clear
// error instead of a crash deep in a handler; each is typed against the contract, so the compiler
// refuses a guard that drifts from it. zod/mini rather than zod: the same checks at 1/25 of the
// bundle size, and Terraform starts the provider 2–5 times per command.
import * as z from 'zod/mini';
import type { components, operations } from '../../client/generated/api';

type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type TokenPolicy = Schemas['TokenPolicy'];
export type CreatedToken = Schemas['CreatedPersonalAccessToken'];
export type TokenMetadata = Schemas['PersonalAccessToken'];
export type CreateTokenRequest = Schemas['CreatePersonalAccessToken'];
export type ServiceAccount = Schemas['ServiceAccount'];
export type CreatedServiceAccount = Schemas['CreatedServiceAccount'];
export type CreateServiceAccountRequest = Schemas['CreateServiceAccount'];
export type UpdateServiceAccountRequest = NonNullable<operations['updateServiceAccount']['requestBody']>['content']['application/json'];
/** Filters of the token listing (the markers set at create). */
export type TokenListFilter = Pick<
  NonNullable<operations['listPersonalAccessTokens']['parameters']['query']>,
  'created_via' | 'client_reference'
>;

const timestamp = z.string().check(z.minLength(1));
const role = z.enum(['SysAdmin', 'Member', 'ReadOnly']);

export const meSchema: z.ZodMiniType<Me> = z.object({
  id: z.string(),
  email: z.nullable(z.string()),
  name: z.string(),
  teams: z.array(z.object({ id: z.string(), name: z.string(), role })),
  service_account: z.optional(z.object({ id: z.string(), name: z.string() })),
  authenticated_by: z.object({
    type: z.enum(['personal_access_token', 'service_account', 'session']),
    token_id: z.nullable(z.string()),
    expires_at: z.nullable(timestamp),
  }),
});

export const tokenPolicySchema: z.ZodMiniType<TokenPolicy> = z.object({
  personal_access_token: z.object({ min_expiration_days: z.int(), max_expiration_days: z.int() }),
});

const tokenFields = {
  id: z.string(),
  name: z.string(),
  token_hint: z.string(),
  expiration_days: z.int(),
  created_at: timestamp,
  expires_at: timestamp,
  created_via: z.nullable(z.string()),
  client_reference: z.nullable(z.string()),
};

export const createdTokenSchema: z.ZodMiniType<CreatedToken> = z.object({ ...tokenFields, token: z.string() });

export const tokenMetadataSchema: z.ZodMiniType<TokenMetadata> = z.object({ ...tokenFields, last_used_at: z.nullable(timestamp) });

export const tokenListPageSchema = z.object({
  personal_access_tokens: z.array(tokenMetadataSchema),
  next_page_token: z.nullable(z.string()),
});

export const problemSchema: z.ZodMiniType<Partial<Schemas['Problem']>> = z.object({
  type: z.optional(z.string()),
  title: z.optional(z.string()),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  required_roles: z.optional(z.array(role)),
});

// Teams, users and memberships (the directory resources and data sources).
export type Team = Schemas['Team'];
export type TeamDetail = Schemas['TeamDetail'];
export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type CreateTeamRequest = Schemas['CreateTeam'];
export type UpdateTeamRequest = Schemas['UpdateTeam'];
export type CreateUserRequest = Schemas['CreateUser'];
export type UpdateUserRequest = Schemas['UpdateUser'];

const teamFields = {
  id: z.string(),
  name: z.string(),
  role,
  member_count: z.int(),
  service_account_count: z.int(),
  created_at: timestamp,
  updated_at: timestamp,
};

export const teamSchema: z.ZodMiniType<Team> = z.object(teamFields);

export const teamDetailSchema: z.ZodMiniType<TeamDetail> = z.object({
  ...teamFields,
  members: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), active: z.boolean() })),
  service_accounts: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const teamListPageSchema = z.object({ teams: z.array(teamSchema), next_page_token: z.nullable(z.string()) });

export const userSchema: z.ZodMiniType<User> = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  active: z.boolean(),
  teams: z.array(z.object({ id: z.string(), name: z.string(), role })),
  created_at: timestamp,
  updated_at: timestamp,
});

export const userListPageSchema = z.object({ users: z.array(userSchema), next_page_token: z.nullable(z.string()) });

// Service accounts.
export const createdServiceAccountSchema: z.ZodMiniType<CreatedServiceAccount> = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string(),
  token_hint: z.string(),
  created_at: timestamp,
  expires_at: z.nullable(timestamp),
  team_ids: z.array(z.string()),
});

export const serviceAccountSchema: z.ZodMiniType<ServiceAccount> = z.object({
  id: z.string(),
  name: z.string(),
  token_id: z.nullable(z.string()),
  token_hint: z.nullable(z.string()),
  created_at: timestamp,
  expires_at: z.nullable(timestamp),
  last_used_at: z.nullable(timestamp),
  created_by_user_id: z.nullable(z.string()),
  team_ids: z.array(z.string()),
  teams: z.array(z.object({ id: z.string(), name: z.string(), role })),
});

export const serviceAccountListPageSchema = z.object({
  service_accounts: z.array(serviceAccountSchema),
  next_page_token: z.nullable(z.string()),
});
