// The OpenAPI 3.1 document of the API, served at GET /api/v1/openapi.json. It is generated from
// the contract (api/contract/): the operations, their schemas (converted with zod's
// toJSONSchema: request parts as the input a client sends, responses as the output the server
// writes) and their response headers. Nothing in it is written by hand except the prose.
import { z } from 'zod';
import { apiOperations, type ContractOptions, type Operation } from '../contract';
import { auditEvent } from '../contract/audit';
import { collectorHandshake, me } from '../contract/me';
import { documentedSchemaOf, type HeaderSpec } from '../contract/operation';
import { problem } from '../contract/problem';
import { roleSchema, uuid } from '../contract/primitives';
import { createdServiceAccount, serviceAccount } from '../contract/service-accounts';
import { SESSION_DESCRIPTION, session } from '../contract/sessions';
import { SESSION_COOKIE } from '../contract/limits';
import { team, teamDetail, teamMember, teamServiceAccount } from '../contract/teams';
import { createdPersonalAccessToken, personalAccessToken } from '../contract/tokens';
import { teamMembership, user } from '../contract/users';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';
// Parts of operations are converted through the same registry as the named schemas (so their
// references to them come out as $refs) under ids with this prefix, then put back inline.
const INLINE = '__inline__';

const TAGS: Array<{ name: string; description: string }> = [
  { name: 'Me', description: 'Who the caller is.' },
  { name: 'Personal access tokens', description: "People's tokens: 1 to the policy's maximum days, shown once, revoked at once." },
  { name: 'Service accounts', description: 'Identities for machines, each with one token.' },
  { name: 'Users', description: 'People, who belong to teams.' },
  { name: 'Teams', description: "A team's role sets its members' permissions." },
  { name: 'Audit', description: 'What was done, by whom, with which token.' },
  { name: 'Collector', description: 'The endpoint machines call with service-account tokens.' },
  { name: 'Sessions', description: 'Cookie sign-in for the web page.' },
  { name: 'Meta', description: 'Public facts about this server.' },
];

const DESCRIPTION =
  'Personal access tokens, service accounts, users and teams. JSON in and out; errors are RFC 9457 problem details ' +
  "(`application/problem+json`; a 422 names every bad field in `errors`). Permissions are the union of the caller's teams' roles, " +
  'evaluated on every request: SysAdmin may do everything; Member and ReadOnly may manage their own tokens and read users and teams ' +
  '(they differ in no v1 endpoint); a user in no team may manage their own tokens and read themselves. A service account may be a ' +
  'member of teams and then has their roles too, except that it can never create or manage personal access tokens; in no team it may ' +
  'call /me, /collector/handshake and the public endpoints only. A 403 for a missing role lists the roles that would do in ' +
  '`required_roles`. Revocation, deactivation, membership and role changes take effect on the next request ' +
  'on the serving process and within 100 ms on the others. Lists are ordered oldest first (audit events: newest first). A known path ' +
  'called with a method it does not have is a 405 with `Allow`.';

// The response schemas that get a name in components/schemas (request bodies are named after
// their operation).
const RESPONSE_COMPONENTS: Array<[string, z.ZodType]> = [
  ['Problem', problem],
  ['Role', roleSchema],
  ['TeamMembership', teamMembership],
  ['Me', me],
  ['CreatedPersonalAccessToken', createdPersonalAccessToken],
  ['PersonalAccessToken', personalAccessToken],
  ['CreatedServiceAccount', createdServiceAccount],
  ['ServiceAccount', serviceAccount],
  ['User', user],
  ['Team', team],
  ['TeamMember', teamMember],
  ['TeamServiceAccount', teamServiceAccount],
  ['TeamDetail', teamDetail],
  ['AuditEvent', auditEvent],
  ['Session', session],
  ['CollectorHandshake', collectorHandshake],
];
const REQUEST_COMPONENTS: Array<[string, z.ZodType]> = [['Role', roleSchema]];

const pascal = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1);

/** One registry and one conversion per direction (input for requests, output for responses). */
class SchemaSet {
  private readonly registry = z.registry<{ id: string }>();
  private readonly ids = new Map<z.ZodType, string>();
  private counter = 0;

  constructor(private readonly io: 'input' | 'output') {}

  name(id: string, schema: z.ZodType): void {
    this.registry.add(schema, { id });
    this.ids.set(schema, id);
  }

  /** A placeholder that convert() resolves to a $ref (named) or to the schema itself (inline). */
  use(schema: z.ZodType): JsonSchema {
    let id = this.ids.get(schema);
    if (id === undefined) {
      id = `${INLINE}${this.io}_${this.counter++}`;
      this.name(id, schema);
    }
    return { $ref: `${SCHEMA_REF}${id}` };
  }

  convert(): Record<string, JsonSchema> {
    const { schemas } = z.toJSONSchema(this.registry, {
      target: 'draft-2020-12',
      io: this.io,
      uri: (id) => `${SCHEMA_REF}${id}`,
      override: ({ zodSchema, jsonSchema }) => {
        // A response may gain fields in a later version without breaking clients, so response
        // objects do not promise the absence of others (request bodies do: unknown fields are 422s).
        if (this.io === 'output' && (jsonSchema as JsonSchema)['additionalProperties'] === false)
          delete (jsonSchema as JsonSchema)['additionalProperties'];
        const documented = documentedSchemaOf(zodSchema);
        if (documented === undefined) return;
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as JsonSchema)[key];
        Object.assign(jsonSchema, documented);
      },
    });
    const out: Record<string, JsonSchema> = {};
    for (const [id, schema] of Object.entries(schemas)) {
      const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
      out[id] = rest;
    }
    return out;
  }
}

/** Replaces every $ref to an inline id by the schema itself, recursively. */
function inlineRefs(value: unknown, inline: Record<string, JsonSchema>): unknown {
  if (Array.isArray(value)) return value.map((item) => inlineRefs(item, inline));
  if (typeof value !== 'object' || value === null) return value;
  const object = value as JsonSchema;
  const ref = object['$ref'];
  if (typeof ref === 'string' && ref.startsWith(`${SCHEMA_REF}${INLINE}`)) {
    const target = inline[ref.slice(SCHEMA_REF.length)];
    if (target === undefined) throw new Error(`unresolved schema ${ref}`);
    return inlineRefs(target, inline);
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, inlineRefs(item, inline)]));
}

const REQUIREMENT_TEXT = {
  user: 'Callable with a personal access token or a session, not a service-account token (403).',
  sysadmin: 'Needs the SysAdmin role, as a user or a service account (403 with `required_roles` otherwise).',
  'directory-reader':
    'Needs a team role: SysAdmin, Member or ReadOnly, as a user or a service account (403 with `required_roles` otherwise).',
} as const;

function security(operation: Operation): Array<Record<string, string[]>> | undefined {
  if (operation.access === 'public') return [];
  if (operation.access === 'session-cookie') return [{ session: [] }];
  return undefined;
}

function header(spec: HeaderSpec, set: SchemaSet, required?: boolean): JsonSchema {
  return { description: spec.description, ...(required === undefined ? {} : { required }), schema: set.use(spec.schema) };
}

function operationObject(operation: Operation, input: SchemaSet, output: SchemaSet): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [name, spec] of Object.entries(operation.params ?? {})) {
    parameters.push({ name, in: 'path', required: true, description: spec.description, schema: output.use(uuid) });
  }
  for (const [name, schema] of Object.entries(operation.query?.shape ?? {})) {
    const zodSchema = schema as z.ZodType;
    const description = (z.globalRegistry.get(zodSchema) as { description?: string } | undefined)?.description;
    parameters.push({
      name,
      in: 'query',
      required: !zodSchema.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: input.use(zodSchema),
    });
  }
  for (const [name, spec] of Object.entries(operation.headers ?? {}))
    parameters.push({ name, in: 'header', ...header(spec, input, spec.required) });

  const responses: JsonSchema = {};
  for (const [status, spec] of Object.entries(operation.responses)) {
    const mediaType = spec.mediaType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
    responses[status] = {
      description: spec.description,
      ...(spec.headers ? { headers: Object.fromEntries(Object.entries(spec.headers).map(([name, h]) => [name, header(h, output)])) } : {}),
      ...(spec.body ? { content: { [mediaType]: { schema: output.use(spec.body) } } } : {}),
    };
  }
  const body = operation.body;
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: operation.requires ? `${operation.description} ${REQUIREMENT_TEXT[operation.requires]}` : operation.description,
    ...(security(operation) ? { security: security(operation) } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            // A body that accepts undefined may be left out.
            required: !body.safeParse(undefined).success,
            content: { 'application/json': { schema: input.use(body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The document for an API whose operator allows personal tokens of up to `patMaxDays` days. */
export function openApiDocument(options: ContractOptions): OpenApiDocument {
  const operations = apiOperations(options);
  const input = new SchemaSet('input');
  const output = new SchemaSet('output');
  for (const [name, schema] of RESPONSE_COMPONENTS) output.name(name, schema);
  for (const [name, schema] of REQUEST_COMPONENTS) input.name(name, schema);
  const policy = operations.find((operation) => operation.operationId === 'getTokenPolicy')?.responses[200]?.body;
  if (policy) output.name('TokenPolicy', policy);
  for (const operation of operations) {
    if (operation.body && operation.body.safeParse(undefined).success === false) input.name(pascal(operation.operationId), operation.body);
  }

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const item = (paths[operation.path] ??= {});
    item[operation.method] = operationObject(operation, input, output);
  }

  const converted = { ...input.convert() };
  for (const [id, schema] of Object.entries(output.convert())) {
    const other = converted[id];
    if (other !== undefined && JSON.stringify(other) !== JSON.stringify(schema)) {
      throw new Error(`schema ${id} differs between requests and responses; give the two different names`);
    }
    converted[id] = schema;
  }
  const inline = Object.fromEntries(Object.entries(converted).filter(([id]) => id.startsWith(INLINE)));
  const named = Object.fromEntries(
    Object.entries(converted)
      .filter(([id]) => !id.startsWith(INLINE))
      .sort(([a], [b]) => a.localeCompare(b)),
  );

  return inlineRefs(
    {
      openapi: '3.1.0',
      info: {
        title: 'Tessera API',
        version: '1.0.0',
        description: DESCRIPTION,
        license: { name: 'MPL-2.0', identifier: 'MPL-2.0' },
        contact: { name: 'Tessera maintainers' },
      },
      servers: [{ url: '/api/v1', description: 'This server' }],
      tags: TAGS,
      security: [{ bearer: [] }, { apiToken: [] }, { session: [] }],
      paths,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A `tspat_…` or `tssvc_…` secret.' },
          apiToken: {
            type: 'apiKey',
            in: 'header',
            name: 'API-Token',
            description:
              'The same secrets, for clients that cannot set Authorization. An empty or whitespace-only header (of either name) counts as absent; ' +
              'when both Authorization and API-Token are non-empty they must carry the same secret, otherwise 401.',
          },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: SESSION_DESCRIPTION },
        },
        schemas: named,
      },
      'x-outside-api-v1': {
        '/healthz': 'GET: 200 {"status":"ok"} while the process is up.',
        '/readyz': 'GET: 200 {"status":"ready"} when the database answers and no migration is pending; 503 problem otherwise.',
        '/.well-known/terraform.json': 'GET: Terraform service discovery of the provider registry ({"providers.v1": "/v1/providers/"}).',
        '/v1/providers/{namespace}/{type}/versions': 'GET: the provider versions this server has releases of (Provider Registry Protocol).',
        '/v1/providers/{namespace}/{type}/{version}/download/{os}/{arch}':
          "GET: where to download one platform's package, with its SHA256SUMS and signature.",
        '/v1/providers/{namespace}/{type}/{version}/files/{name}': 'GET: a release file (package zip, SHA256SUMS, its signature).',
        '/metrics':
          'GET: Prometheus text format (tessera_http_requests_total, tessera_http_request_duration_seconds, tessera_auth_failures_total, tessera_token_lookups_total, tessera_auth_cache_hits_total, process metrics).',
      },
    },
    inline,
  ) as OpenApiDocument;
}
