// The OpenAPI 3.1 document of the API, served at GET /api/v1/openapi.json. Where the contract
// (shared/docs/api-contract.md) is silent, the choices made are written into the descriptions
// here, so clients have one place to read them.
import { MAX_BODY_BYTES } from '../http/body';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../http/pagination';
import { IDEMPOTENCY_WINDOW_MS } from '../idempotency/service';
import { CLIENT_REFERENCE_MAX, CREATED_VIA_MAX } from '../tokens/client-markers';
import { PAT_MIN_DAYS, SERVICE_ACCOUNT_MAX_DAYS } from '../tokens/policy';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const timestamp: Schema = { type: 'string', format: 'date-time', description: 'RFC 3339, UTC, with a Z.' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });

function problem(description: string): Schema {
  return { description, content: { 'application/problem+json': { schema: ref('Problem') } } };
}

const errors = {
  400: problem('Malformed JSON or an unreadable request.'),
  401: {
    ...problem('Missing, malformed, unknown, expired or revoked credential, or a deactivated user. Always the same body.'),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="tessera"' } },
  },
  403: problem('Authenticated, but the role does not allow this.'),
  404: problem('No such object, or one the caller may not see.'),
  409: problem('Conflicts with existing state (duplicate email or team name, reused Idempotency-Key, reused client_reference).'),
  413: problem(`Request body larger than ${MAX_BODY_BYTES} bytes.`),
  415: problem('Request body is not application/json (UTF-8).'),
  422: problem('Validation failed; `errors` names every bad field.'),
  429: {
    ...problem('Too many failed authentications from this address.'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds until requests are accepted again.' } },
  },
  503: problem('The database is unreachable; retry shortly.'),
};

function pick(...codes: Array<keyof typeof errors>): Record<string, unknown> {
  return Object.fromEntries(codes.map((code) => [String(code), errors[code]]));
}

const json = (schema: Schema, description = 'OK'): Schema => ({ description, content: { 'application/json': { schema } } });
const body = (schema: Schema): Schema => ({ required: true, content: { 'application/json': { schema } } });
const pathId = (name: string, description: string): Schema => ({ name, in: 'path', required: true, schema: uuid, description });

const pageParameters = [
  { name: 'page_size', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE } },
  {
    name: 'page_token',
    in: 'query',
    schema: { type: 'string' },
    description: 'Opaque; copy `next_page_token` from the previous page. A token from another listing is a 422.',
  },
];

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
  description:
    `Makes the create safe to retry. Within ${IDEMPOTENCY_WINDOW_MS / 60000} minutes, the same key with the same body (compared as JSON, ` +
    'key order ignored) returns the original 201 response, secret included, with `Idempotent-Replayed: true`; the same key ' +
    'with another body is a 409. Keys are scoped to the calling user. The retained response is encrypted (AES-256-GCM) under a key ' +
    'derived (HKDF-SHA-256) from the idempotency key and the server key, and deleted after the window.',
};

// Client markers of personal access tokens: optional on create, returned (null when unset) in
// every token view, and filters of the token listings.
const createdVia: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: CREATED_VIA_MAX,
  pattern: '^[\\x21-\\x7e](?:[\\x20-\\x7e]*[\\x21-\\x7e])?$',
  description: 'Which client created the token, e.g. `terraform-provider-tessera/0.1.0`. Not secret.',
};
const clientReference: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: CLIENT_REFERENCE_MAX,
  pattern: '^[\\x21-\\x7e]+$',
  description:
    'An opaque value the client chose for this one create (e.g. a UUID), so it can find the token when it never received the ' +
    'create response. Unique per user: a second create with the same value is a 409 (problem type ' +
    '`urn:tessera:problem:client-reference-in-use`), also after the Idempotency-Key window. Not secret.',
};
const clientMarkerProperties = { created_via: createdVia, client_reference: clientReference };
const clientMarkerViews = { created_via: nullable(createdVia), client_reference: nullable(clientReference) };
const clientMarkerFilters = [
  { name: 'created_via', in: 'query', schema: createdVia, description: 'Only tokens created with this created_via.' },
  { name: 'client_reference', in: 'query', schema: clientReference, description: 'Only the token created with this client_reference.' },
];

const list = (property: string, item: string): Schema => ({
  type: 'object',
  required: [property, 'next_page_token'],
  properties: { [property]: { type: 'array', items: ref(item) }, next_page_token: nullable({ type: 'string' }) },
});

const secured = [{ bearer: [] }, { apiToken: [] }];

export function openApiDocument(options: { patMaxDays: number }): Record<string, unknown> {
  const patDays: Schema = { type: 'integer', minimum: PAT_MIN_DAYS, maximum: options.patMaxDays };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera API',
      version: '1.0.0',
      description:
        'Personal access tokens, service accounts, users and teams. JSON in and out; errors are RFC 9457 problem details. ' +
        'Permissions are the union of the caller\'s teams\' roles, evaluated on every request: SysAdmin may do everything; ' +
        'Member and ReadOnly may manage their own tokens and read users and teams (they differ in no v1 endpoint); a user in no team ' +
        'may manage their own tokens and read themselves. Service-account tokens may call /me, /collector/handshake and the public ' +
        'endpoints only. Revocation, deactivation and role changes take effect on the next request on the serving process and within ' +
        '100 ms on the others. Lists are ordered oldest first (audit events: newest first).',
    },
    servers: [{ url: '/api/v1' }],
    security: secured,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: '`tspat_…` or `tssvc_…` secret.' },
        apiToken: { type: 'apiKey', in: 'header', name: 'API-Token' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string', description: 'A URN identifying the problem kind, e.g. urn:tessera:problem:validation-failed.' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
        Name: { type: 'string', minLength: 1, maxLength: 100, description: '1–100 characters after trimming (stored trimmed), no control characters.' },
        Role: { type: 'string', enum: ['SysAdmin', 'Member', 'ReadOnly'] },
        TeamMembership: { type: 'object', required: ['id', 'name', 'role'], properties: { id: uuid, name: { type: 'string' }, role: ref('Role') } },
        Me: {
          type: 'object',
          required: ['id', 'email', 'name', 'teams', 'authenticated_by'],
          properties: {
            id: uuid,
            email: nullable({ type: 'string', format: 'email' }),
            name: { type: 'string' },
            teams: { type: 'array', items: ref('TeamMembership') },
            service_account: { type: 'object', description: 'Only for service-account tokens (then email is null and teams empty).' },
            authenticated_by: {
              type: 'object',
              required: ['type', 'token_id', 'expires_at'],
              properties: {
                type: { type: 'string', enum: ['personal_access_token', 'service_account', 'session'] },
                token_id: nullable(uuid),
                expires_at: nullable(timestamp),
              },
            },
          },
        },
        CreatePersonalAccessToken: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'expiration_days'],
          properties: { name: ref('Name'), expiration_days: patDays, ...clientMarkerProperties },
          description: 'Unknown fields are refused (422) so typos do not pass silently.',
        },
        CreatedPersonalAccessToken: {
          type: 'object',
          required: ['id', 'name', 'token', 'token_hint', 'expiration_days', 'created_at', 'expires_at'],
          properties: {
            id: uuid,
            name: { type: 'string' },
            token: { type: 'string', pattern: '^tspat_[0-9A-Za-z]{36}$', description: 'Shown once; only an HMAC is stored.' },
            token_hint: { type: 'string', examples: ['tspat_…a1B2'] },
            expiration_days: { type: 'integer' },
            created_at: timestamp,
            expires_at: { ...timestamp, description: 'created_at + expiration_days × 24 h exactly.' },
            ...clientMarkerViews,
          },
        },
        PersonalAccessToken: {
          type: 'object',
          required: ['id', 'name', 'token_hint', 'expiration_days', 'created_at', 'expires_at', 'last_used_at'],
          properties: {
            id: uuid,
            name: { type: 'string' },
            token_hint: { type: 'string' },
            expiration_days: { type: 'integer' },
            created_at: timestamp,
            expires_at: timestamp,
            last_used_at: { ...nullable(timestamp), description: 'Updated at most once a minute; null until first use.' },
            ...clientMarkerViews,
          },
        },
        User: {
          type: 'object',
          required: ['id', 'email', 'name', 'active', 'teams', 'created_at', 'updated_at'],
          properties: {
            id: uuid,
            email: { type: 'string', format: 'email', description: 'Stored lower-cased; unique case-insensitively.' },
            name: { type: 'string' },
            active: { type: 'boolean' },
            teams: { type: 'array', items: ref('TeamMembership') },
            created_at: timestamp,
            updated_at: timestamp,
          },
        },
        Team: {
          type: 'object',
          required: ['id', 'name', 'role', 'member_count', 'created_at', 'updated_at'],
          properties: { id: uuid, name: { type: 'string' }, role: ref('Role'), member_count: { type: 'integer' }, created_at: timestamp, updated_at: timestamp },
        },
        TeamDetail: {
          allOf: [
            ref('Team'),
            {
              type: 'object',
              properties: {
                members: {
                  type: 'array',
                  items: { type: 'object', properties: { id: uuid, email: { type: 'string' }, name: { type: 'string' }, active: { type: 'boolean' } } },
                },
              },
            },
          ],
        },
        CreatedServiceAccount: {
          type: 'object',
          required: ['id', 'name', 'token', 'token_hint', 'created_at', 'expires_at'],
          properties: {
            id: uuid,
            name: { type: 'string' },
            token: { type: 'string', pattern: '^tssvc_[0-9A-Za-z]{36}$' },
            token_hint: { type: 'string' },
            created_at: timestamp,
            expires_at: nullable(timestamp),
          },
        },
        ServiceAccount: {
          type: 'object',
          properties: {
            id: uuid,
            name: { type: 'string' },
            token_id: nullable(uuid),
            token_hint: nullable({ type: 'string' }),
            created_at: timestamp,
            expires_at: nullable(timestamp),
            last_used_at: nullable(timestamp),
            created_by_user_id: nullable(uuid),
          },
        },
        AuditEvent: {
          type: 'object',
          properties: {
            id: { type: 'string', description: 'Monotonic; larger is newer.' },
            occurred_at: timestamp,
            action: {
              type: 'string',
              examples: [
                'personal_access_token.created',
                'personal_access_token.revoked',
                'personal_access_token.revoked_all',
                'service_account.created',
                'service_account.deleted',
                'user.created',
                'user.updated',
                'user.deactivated',
                'user.reactivated',
                'team.created',
                'team.role_changed',
                'team.renamed',
                'team.deleted',
                'team.member_added',
                'team.member_removed',
                'authentication.failed',
                'collector.handshake',
              ],
            },
            outcome: { type: 'string', enum: ['success', 'failure'] },
            actor_user_id: nullable(uuid),
            actor_service_account_id: nullable(uuid),
            token_id: { ...nullable(uuid), description: 'The token the actor used (for authentication.failed: the token presented, when known).' },
            target_type: nullable({ type: 'string' }),
            target_id: nullable({ type: 'string' }),
            source_ip: nullable({ type: 'string' }),
            details: { type: 'object', description: 'Action-specific; never contains secrets. authentication.failed has `reason`.' },
          },
        },
        TokenPolicy: {
          type: 'object',
          properties: {
            personal_access_token: {
              type: 'object',
              properties: { min_expiration_days: { type: 'integer', const: PAT_MIN_DAYS }, max_expiration_days: { type: 'integer', const: options.patMaxDays } },
            },
          },
        },
      },
    },
    paths: {
      '/me': { get: { summary: 'The caller', responses: { 200: json(ref('Me')), ...pick(401, 429, 503) } } },
      '/token-policy': { get: { summary: 'Token policy (public)', security: [], responses: { 200: json(ref('TokenPolicy')) } } },
      '/openapi.json': { get: { summary: 'This document (public)', security: [], responses: { 200: json({ type: 'object' }) } } },
      '/personal-access-tokens': {
        post: {
          summary: 'Create a personal access token for the caller',
          description: 'Any user. The response carries `Cache-Control: no-store` and a Location header.',
          parameters: [idempotencyKey],
          requestBody: body(ref('CreatePersonalAccessToken')),
          responses: { 201: json(ref('CreatedPersonalAccessToken'), 'Created'), ...pick(400, 401, 403, 409, 413, 415, 422, 429, 503) },
        },
        get: {
          summary: "The caller's live tokens (not revoked, not expired), metadata only",
          parameters: [...pageParameters, ...clientMarkerFilters],
          responses: { 200: json(list('personal_access_tokens', 'PersonalAccessToken')), ...pick(401, 403, 422, 429) },
        },
        delete: {
          summary: "Revoke all of the caller's tokens (including the one used for this call)",
          responses: { 200: json({ type: 'object', properties: { revoked_count: { type: 'integer' } } }), ...pick(401, 403, 429) },
        },
      },
      '/personal-access-tokens/{id}': {
        parameters: [pathId('id', 'Token id')],
        get: { summary: 'One of the caller\'s live tokens', responses: { 200: json(ref('PersonalAccessToken')), ...pick(401, 404, 429) } },
        delete: {
          summary: 'Revoke a token (owner or SysAdmin)',
          description: 'Another user\'s token is a 404 unless the caller is a SysAdmin. Already revoked: 404.',
          responses: { 204: { description: 'Revoked' }, ...pick(401, 404, 429) },
        },
      },
      '/users/{id}/personal-access-tokens': {
        parameters: [pathId('id', 'User id')],
        get: { summary: "A user's live tokens (SysAdmin)", parameters: [...pageParameters, ...clientMarkerFilters], responses: { 200: json(list('personal_access_tokens', 'PersonalAccessToken')), ...pick(401, 403, 404, 422) } },
        delete: { summary: "Revoke all of a user's tokens (SysAdmin)", responses: { 200: json({ type: 'object', properties: { revoked_count: { type: 'integer' } } }), ...pick(401, 403, 404) } },
      },
      '/service-accounts': {
        post: {
          summary: 'Create a service account and its token (SysAdmin)',
          description: `No expiration_days: no expiry. Otherwise 1–${SERVICE_ACCOUNT_MAX_DAYS} days.`,
          parameters: [idempotencyKey],
          requestBody: body({
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: ref('Name'), expiration_days: nullable({ type: 'integer', minimum: 1, maximum: SERVICE_ACCOUNT_MAX_DAYS }) },
          }),
          responses: { 201: json(ref('CreatedServiceAccount'), 'Created'), ...pick(400, 401, 403, 409, 413, 415, 422) },
        },
        get: { summary: 'Service accounts (SysAdmin)', parameters: pageParameters, responses: { 200: json(list('service_accounts', 'ServiceAccount')), ...pick(401, 403, 422) } },
      },
      '/service-accounts/{id}': {
        parameters: [pathId('id', 'Service account id')],
        get: { summary: 'A service account (SysAdmin)', responses: { 200: json(ref('ServiceAccount')), ...pick(401, 403, 404) } },
        delete: { summary: 'Delete a service account, revoking its token (SysAdmin)', responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404) } },
      },
      '/users': {
        post: {
          summary: 'Create a user (SysAdmin)',
          requestBody: body({
            type: 'object',
            additionalProperties: false,
            required: ['email', 'name'],
            properties: { email: { type: 'string', format: 'email', maxLength: 254 }, name: ref('Name'), active: { type: 'boolean', default: true } },
          }),
          responses: { 201: json(ref('User'), 'Created'), ...pick(400, 401, 403, 409, 413, 415, 422) },
        },
        get: { summary: 'Users (any team role)', parameters: pageParameters, responses: { 200: json(list('users', 'User')), ...pick(401, 403, 422) } },
      },
      '/users/{id}': {
        parameters: [pathId('id', 'User id')],
        get: { summary: 'A user (any team role; everyone may read themselves, other users are a 404 without a team role)', responses: { 200: json(ref('User')), ...pick(401, 404) } },
        patch: {
          summary: 'Update a user (SysAdmin); {"active": false} deactivates',
          description:
            'Deactivation makes all the user\'s tokens fail at once; reactivation makes their unexpired, unrevoked tokens work again. ' +
            'A SysAdmin cannot deactivate themselves (409).',
          requestBody: body({
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: { email: { type: 'string', format: 'email' }, name: ref('Name'), active: { type: 'boolean' } },
          }),
          responses: { 200: json(ref('User')), ...pick(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      '/teams': {
        post: {
          summary: 'Create a team (SysAdmin)',
          requestBody: body({ type: 'object', additionalProperties: false, required: ['name', 'role'], properties: { name: ref('Name'), role: ref('Role') } }),
          responses: { 201: json(ref('TeamDetail'), 'Created'), ...pick(400, 401, 403, 409, 413, 415, 422) },
        },
        get: { summary: 'Teams (any team role)', parameters: pageParameters, responses: { 200: json(list('teams', 'Team')), ...pick(401, 403, 422) } },
      },
      '/teams/{id}': {
        parameters: [pathId('id', 'Team id')],
        get: { summary: 'A team with its members (any team role)', responses: { 200: json(ref('TeamDetail')), ...pick(401, 403, 404) } },
        patch: {
          summary: 'Rename a team or change its role (SysAdmin); applies to members\' existing tokens at once',
          requestBody: body({ type: 'object', additionalProperties: false, minProperties: 1, properties: { name: ref('Name'), role: ref('Role') } }),
          responses: { 200: json(ref('TeamDetail')), ...pick(401, 403, 404, 409, 422) },
        },
        delete: { summary: 'Delete a team (SysAdmin)', responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404) } },
      },
      '/teams/{id}/members/{user_id}': {
        parameters: [pathId('id', 'Team id'), pathId('user_id', 'User id')],
        put: { summary: 'Add a member (SysAdmin); idempotent', responses: { 204: { description: 'Member' }, ...pick(401, 403, 404) } },
        delete: { summary: 'Remove a member (SysAdmin)', responses: { 204: { description: 'Removed' }, ...pick(401, 403, 404) } },
      },
      '/collector/handshake': {
        post: {
          summary: 'Collector handshake: service-account tokens only',
          description: 'Any JSON body (or none) is accepted. A personal access token gets 403 telling the caller to use a service account.',
          responses: {
            200: json({ type: 'object', properties: { service_account: { type: 'object', properties: { id: uuid, name: { type: 'string' } } } } }),
            ...pick(401, 403, 415, 429),
          },
        },
      },
      '/audit-events': {
        get: {
          summary: 'The audit trail, newest first (SysAdmin)',
          parameters: [
            ...pageParameters,
            { name: 'action', in: 'query', schema: { type: 'string' } },
            { name: 'actor_user_id', in: 'query', schema: uuid },
            { name: 'token_id', in: 'query', schema: uuid },
          ],
          responses: { 200: json(list('audit_events', 'AuditEvent')), ...pick(401, 403, 422) },
        },
      },
    },
    'x-outside-api-v1': {
      '/healthz': 'GET: 200 {"status":"ok"} while the process is up.',
      '/readyz': 'GET: 200 {"status":"ready"} when the database answers and no migration is pending; 503 problem otherwise.',
      '/metrics': 'GET: Prometheus text format (tessera_http_requests_total, tessera_http_request_duration_seconds, tessera_auth_failures_total, tessera_token_lookups_total, tessera_auth_cache_hits_total, process metrics).',
    },
  };
}
