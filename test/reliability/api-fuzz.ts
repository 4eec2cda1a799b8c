// `npm run fuzz:api -- --cases N [--seed S] [--only I]` (full size 100 000): requests generated
// from the OpenAPI document the API serves, plus hostile mutations, sent one at a time to a real
// API on 127.0.0.1 backed by a real PostgreSQL (the test fixture of test/support/api-server.ts).
//
// A case is a violation when the answer is a 5xx, an error that is not application/problem+json,
// a status or body the document does not give for the operation (ajv, JSON Schema 2020-12), a
// secret where none belongs, a request answered 4xx that changed data (a fingerprint of the data
// tables taken before and after each state-changing request), no answer within 10 s, or an
// error line in the server's log. The summary goes to stdout; exit 1 on any violation, with a
// reproduction of each (at most 20 shown, the first of each kind first).
//
// Cases are derived from (seed, index) alone, so `--only I` re-runs case I of seed S.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { startTestApi, type TestApi } from '../support/api-server';
import { Choices, counts, ensureTestPostgres, machineLine, numberOptions, table } from './harness';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown };

interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: Array<{ name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema }>;
  body: Schema | null;
  /** Documented statuses → content type (null: no body) and the ajv validator of the body. */
  responses: Map<number, { contentType: string | null; validate: ValidateFunction | null }>;
  authenticated: boolean;
}

type PrincipalName = 'admin' | 'member' | 'readonly' | 'service' | 'session';

interface Principal {
  name: PrincipalName;
  userId: string | null;
  /** Bearer secret (token principals). */
  token: string | null;
  tokenId: string | null;
  /** Session principals. */
  cookie: string | null;
  csrf: string | null;
  teamId: string | null;
}

interface Fixture {
  api: TestApi;
  principals: Record<PrincipalName, Principal>;
  revokedToken: string;
  deletedServiceToken: string;
  deactivatedUserToken: string;
  /** Secrets (bearer or session) the fuzzer holds; none may appear in an answer unless created there. */
  secrets: Map<string, string>;
  /** IDs known to exist (or have existed), for path parameters. */
  ids: string[];
}

interface Request {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
  /** For the report: what was done to the request. */
  shape: string;
  operation: Operation | null;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const TOKEN_SHAPE = /ts(?:pat|svc)_[0-9A-Za-z]{20,}/g;
const SECRET_CREATES = new Set(['createPersonalAccessToken', 'createServiceAccount']);
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const ODD_METHODS = [
  'PUT',
  'PATCH',
  'DELETE',
  'POST',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'FOO',
  'M-SEARCH',
  'LINK',
  'PURGE',
  'SEARCH',
];

// --- The served document --------------------------------------------------------------------------

function operationsOf(document: Schema, ajv: Ajv2020): Operation[] {
  const paths = document['paths'] as Record<string, Record<string, Schema>>;
  const globalSecurity = document['security'] as unknown[] | undefined;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (typeof op !== 'object' || typeof op['operationId'] !== 'string') continue;
      // Only the API proper: the operational and registry routes are documented outside it.
      if ((methods as Schema)['x-outside-api-v1'] === true || (op as Schema)['x-outside-api-v1'] === true) continue;
      const pointer = `openapi.json#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
      const responses = new Map<number, { contentType: string | null; validate: ValidateFunction | null }>();
      for (const [status, response] of Object.entries(op['responses'] as Record<string, Schema>)) {
        const content = response['content'] as Record<string, Schema> | undefined;
        const contentType = content ? (Object.keys(content)[0] ?? null) : null;
        const validate =
          contentType && content?.[contentType]?.['schema']
            ? ajv.compile({ $ref: `${pointer}/responses/${status}/content/${contentType.replace(/\//g, '~1')}/schema` })
            : null;
        responses.set(Number(status), { contentType, validate });
      }
      const requestBody = op['requestBody'] as Schema | undefined;
      const body = (requestBody?.['content'] as Record<string, Schema> | undefined)?.['application/json']?.['schema'] as Schema | undefined;
      const security = (op['security'] as unknown[] | undefined) ?? globalSecurity ?? [];
      operations.push({
        id: op['operationId'] as string,
        method: method.toUpperCase(),
        path: `/api/v1${path}`,
        parameters: ((op['parameters'] as Operation['parameters'] | undefined) ?? []).map((p) => ({ ...p, required: p.required === true })),
        body: body ?? null,
        responses,
        authenticated: security.length > 0,
      });
    }
  }
  return operations;
}

function resolve(document: Schema, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current['$ref'] === 'string' && hops < 10; hops++) {
    const pointer = (current['$ref'] as string).replace(/^#\//, '').split('/');
    current = pointer.reduce<Schema>((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Schema, document);
  }
  return current;
}

// --- Values -------------------------------------------------------------------------------------

const UNICODE_EDGES = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  '\u200b',
  '\u200b\u200c\u200d\u2060',
  '\ufeff',
  '\uffff',
  '\u{10ffff}',
  '\u0301',
  'e\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦',
  '\u2028\u2029',
  '\r\n',
  '\t',
  ' ',
  '',
  'ﷺ',
  '𝕿𝖊𝖘𝖘𝖊𝖗𝖆',
  '\u001b[31mred',
  '%00',
  "'; DROP TABLE tokens; --",
  '{{7*7}}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
];

const hostileString = fc.oneof(
  fc.constantFrom(...UNICODE_EDGES),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...UNICODE_EDGES), maxLength: 8 }),
);

const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', '1', 'true', 'null', [], {}, [null]),
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
);

// Arbitraries are built once per shape: building one (a regular expression's above all) costs
// more than drawing from it.
const arbitraries = new Map<string, fc.Arbitrary<string>>();
function cached(key: string, build: () => fc.Arbitrary<string>): fc.Arbitrary<string> {
  let arbitrary = arbitraries.get(key);
  if (!arbitrary) arbitraries.set(key, (arbitrary = build()));
  return arbitrary;
}
const matching = (pattern: string) => cached(`re:${pattern}`, () => fc.stringMatching(new RegExp(pattern)));
const PLAIN = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_ ');
const textOf = (unit: 'plain' | 'grapheme', minLength: number, maxLength: number) =>
  cached(`${unit}:${minLength}:${maxLength}`, () => fc.string({ unit: unit === 'plain' ? PLAIN : 'grapheme', minLength, maxLength }));

function uuidFor(choices: Choices, fixture: Fixture): string {
  return choices.weighted<() => string>([
    [6, () => choices.pick(fixture.ids)],
    [1, () => randomUuid(choices)],
    [1, () => '00000000-0000-0000-0000-000000000000'],
  ])();
}

function randomUuid(choices: Choices): string {
  const hex = () => choices.int(0, 15).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

/** A value the schema accepts, more or less (names may still be refused by rules the schema states only in words). */
function valid(document: Schema, raw: Schema, choices: Choices, fixture: Fixture, depth = 0): Json {
  const schema = resolve(document, raw);
  if ('const' in schema) return schema['const'] as Json;
  if (Array.isArray(schema['enum'])) return choices.pick(schema['enum'] as Json[]);
  const alternatives = (schema['anyOf'] ?? schema['oneOf']) as Schema[] | undefined;
  if (alternatives) return valid(document, choices.pick(alternatives), choices, fixture, depth + 1);
  const type = Array.isArray(schema['type']) ? choices.pick(schema['type'] as string[]) : (schema['type'] as string | undefined);
  switch (type) {
    case 'string': {
      if (schema['format'] === 'uuid' || /uuid|guid/.test(String(schema['format'] ?? ''))) return uuidFor(choices, fixture);
      if (schema['format'] === 'email') return `fuzz-${choices.int(0, 1e9)}@example.test`;
      if (schema['format'] === 'date-time') return new Date(Date.UTC(2026, 0, 1) + choices.int(0, 1e10)).toISOString();
      if (typeof schema['pattern'] === 'string') return choices.draw(matching(schema['pattern'] as string));
      const min = Number(schema['minLength'] ?? 0);
      const max = Math.min(Number(schema['maxLength'] ?? 40), min + 40);
      const text = choices.draw(textOf(choices.chance(0.8) ? 'plain' : 'grapheme', min, max));
      return text.trim().length === 0 && min > 0 ? `fuzz-${text.length}` : text;
    }
    case 'integer': {
      const min = Number(schema['minimum'] ?? -1000);
      const max = Number(schema['maximum'] ?? 1000);
      return choices.int(Math.max(min, -1e6), Math.min(max, 1e6));
    }
    case 'number':
      return choices.next() * 100;
    case 'boolean':
      return choices.chance(0.5);
    case 'array': {
      const items = (schema['items'] as Schema | undefined) ?? {};
      const n = depth > 3 ? 0 : choices.int(Number(schema['minItems'] ?? 0), Math.min(Number(schema['maxItems'] ?? 3), 3));
      return Array.from({ length: n }, () => valid(document, items, choices, fixture, depth + 1));
    }
    case 'object':
    default: {
      const properties = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema['required'] as string[] | undefined) ?? []);
      const result: { [key: string]: Json } = {};
      for (const [key, property] of Object.entries(properties)) {
        if (required.has(key) || (depth < 4 && choices.chance(0.4))) result[key] = valid(document, property, choices, fixture, depth + 1);
      }
      return result;
    }
  }
}

/** Percent-encodes any string; a lone surrogate (which encodeURIComponent refuses) goes as U+FFFD's bytes. */
function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

function deep(levels: number, open: string, close: string, leaf = '1'): string {
  return open.repeat(levels) + leaf + close.repeat(levels);
}

/** The body mutations: each returns the body as bytes (and what it did). */
function mutateBody(value: Json, choices: Choices): { body: Buffer; shape: string } {
  const object = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  const keys = Object.keys(object);
  const key = keys.length > 0 ? choices.pick(keys) : 'name';
  const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');
  return choices.weighted<() => { body: Buffer; shape: string }>([
    [4, () => ({ body: json({ ...object, [key]: choices.draw(wrongType) }), shape: `body: wrong type for ${key}` })],
    [3, () => ({ body: json({ ...object, [key]: choices.draw(hostileString) }), shape: `body: unicode edge in ${key}` })],
    [
      1,
      () => ({
        body: json({ ...object, [key]: 'x'.repeat(choices.pick([101, 1000, 16_000, 17_000, 100_000])) }),
        shape: `body: huge ${key}`,
      }),
    ],
    [1, () => ({ body: Buffer.from(deep(choices.pick([64, 1000, 5000, 100_000]), '[', ']')), shape: 'body: deep array' })],
    [1, () => ({ body: Buffer.from(deep(choices.pick([64, 1000, 5000]), '{"a":', '}')), shape: 'body: deep object' })],
    [1, () => ({ body: json({ ...object, [key]: JSON.parse(deep(30, '{"a":', '}')) as Json }), shape: `body: nested value in ${key}` })],
    [
      2,
      () => {
        const first = JSON.stringify(object).slice(1, -1);
        const extra = `${JSON.stringify(key)}:${JSON.stringify(choices.draw(wrongType)) ?? 'null'}`;
        return { body: Buffer.from(`{${first}${first ? ',' : ''}${extra}}`), shape: `body: duplicate key ${key}` };
      },
    ],
    [1, () => ({ body: json({ ...object, ['__proto__']: { role: 'SysAdmin', active: true } }), shape: 'body: __proto__ key' })],
    [1, () => ({ body: Buffer.from(`{${JSON.stringify(key)}:"\\ud800"}`), shape: 'body: escaped lone surrogate' })],
    [1, () => ({ body: json({ ...object, [choices.draw(hostileString)]: 1 }), shape: 'body: unknown key' })],
    [1, () => ({ body: json(choices.pick<unknown>([null, [], [object], 1, 'x', true])), shape: 'body: not an object' })],
    [1, () => ({ body: Buffer.alloc(0), shape: 'body: empty' })],
    [1, () => ({ body: Buffer.from(JSON.stringify(object).slice(0, choices.int(0, 10))), shape: 'body: truncated JSON' })],
    [
      1,
      () => ({
        body: Buffer.from(`${JSON.stringify(object)}${choices.pick([' {}', 'x', '\u0000', ',', ']'])}`),
        shape: 'body: trailing garbage',
      }),
    ],
    [1, () => ({ body: Buffer.from(`{"${key}": 1e99999, "n": -0.0e-0, "x": 0x10}`), shape: 'body: odd numbers' })],
  ])();
}

/** Broken encodings and media types: the body and the Content-Type to send with it. */
function mutateEncoding(
  value: Json,
  choices: Choices,
): { body: Buffer; contentType: string | null; extra: Array<[string, string]>; shape: string } {
  const text = JSON.stringify(value);
  const utf8 = Buffer.from(text);
  return choices.weighted<() => { body: Buffer; contentType: string | null; extra: Array<[string, string]>; shape: string }>([
    [
      2,
      () => ({
        body: utf8,
        contentType: choices.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonx',
          'json',
          '*/*',
          'application/*',
          'application/problem+json',
          'application/merge-patch+json',
        ]),
        extra: [],
        shape: 'media type: wrong',
      }),
    ],
    [1, () => ({ body: utf8, contentType: null, extra: [], shape: 'media type: none' })],
    [
      1,
      () => ({
        body: utf8,
        contentType: choices.pick([
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'application/json;charset="UTF-8"',
          'APPLICATION/JSON',
          'application/json; charset=',
          'application/json; ;;',
          'application/json, text/plain',
        ]),
        extra: [],
        shape: 'media type: odd parameters',
      }),
    ],
    [
      2,
      () => {
        const bytes = Buffer.concat([
          utf8.subarray(0, Math.max(1, utf8.length - 2)),
          Buffer.from(choices.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]])),
          utf8.subarray(Math.max(1, utf8.length - 2)),
        ]);
        return { body: bytes, contentType: 'application/json', extra: [], shape: 'encoding: invalid UTF-8' };
      },
    ],
    [
      1,
      () => ({
        body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]),
        contentType: 'application/json',
        extra: [],
        shape: 'encoding: UTF-8 BOM',
      }),
    ],
    [1, () => ({ body: Buffer.from(text, 'utf16le'), contentType: 'application/json', extra: [], shape: 'encoding: UTF-16' })],
    [
      1,
      () => ({
        body: utf8,
        contentType: 'application/json',
        extra: [['content-encoding', choices.pick(['gzip', 'deflate', 'br', 'identity', 'x-unknown'])]],
        shape: 'encoding: content-encoding not applied',
      }),
    ],
    [
      1,
      () => ({
        body: Buffer.from(text, 'latin1'),
        contentType: 'application/json; charset=utf-8',
        extra: [],
        shape: 'encoding: latin1 bytes',
      }),
    ],
  ])();
}

// --- Credentials --------------------------------------------------------------------------------

function tokenShaped(choices: Choices, prefix = choices.pick(['tspat_', 'tssvc_'])): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return prefix + Array.from({ length: 36 }, () => alphabet[choices.int(0, 61)]).join('');
}

function authHeaders(principal: Principal, method: string): Array<[string, string]> {
  if (principal.token) return [['authorization', `Bearer ${principal.token}`]];
  const headers: Array<[string, string]> = [['cookie', `tessera_session=${principal.cookie}`]];
  if (!SAFE.has(method)) headers.push(['x-csrf-token', principal.csrf ?? '']);
  return headers;
}

function hostileCredentials(fixture: Fixture, choices: Choices, _method: string): { headers: Array<[string, string]>; shape: string } {
  const { principals } = fixture;
  const session = principals.session;
  const some = choices.pick(['admin', 'member', 'readonly', 'service'] as const);
  const token = principals[some].token!;
  return choices.weighted<() => { headers: Array<[string, string]>; shape: string }>([
    [2, () => ({ headers: [], shape: 'credential: none' })],
    [2, () => ({ headers: [['authorization', `Bearer ${tokenShaped(choices)}`]], shape: 'credential: unknown token of the right shape' })],
    [
      1,
      () => ({
        headers: [['authorization', `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`]],
        shape: 'credential: checksum broken',
      }),
    ],
    [2, () => ({ headers: [['authorization', `Bearer ${fixture.revokedToken}`]], shape: 'credential: revoked token' })],
    [1, () => ({ headers: [['authorization', `Bearer ${fixture.deletedServiceToken}`]], shape: 'credential: deleted service account' })],
    [1, () => ({ headers: [['authorization', `Bearer ${fixture.deactivatedUserToken}`]], shape: 'credential: deactivated user' })],
    [2, () => ({ headers: [['authorization', `Bearer ${principals.service.token!}`]], shape: 'credential: service account' })],
    [2, () => ({ headers: [['authorization', `Bearer ${principals.readonly.token!}`]], shape: 'credential: ReadOnly user' })],
    [
      2,
      () => ({
        headers: [['authorization', `Bearer ${principals.member.token!}`]],
        shape: "credential: foreign (Member on others' objects)",
      }),
    ],
    [
      1,
      () => ({
        headers: [
          [
            'authorization',
            choices.pick([
              `bearer ${token}`,
              `Bearer  ${token}`,
              `Bearer ${token} `,
              `Token ${token}`,
              `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
              'Bearer',
              'Bearer ',
              `Bearer ${token},Bearer ${token}`,
              `Bearer ${token}\u00e9`,
            ]),
          ],
        ],
        shape: 'credential: malformed Authorization',
      }),
    ],
    [
      1,
      () => ({ headers: [['authorization', `Bearer ${'A'.repeat(choices.pick([100, 4000, 15_000]))}`]], shape: 'credential: huge token' }),
    ],
    [
      1,
      () => ({
        headers: [
          ['authorization', `Bearer ${token}`],
          ['api-token', principals[some === 'admin' ? 'member' : 'admin'].token!],
        ],
        shape: 'credential: Authorization and API-Token differ',
      }),
    ],
    [
      1,
      () => ({
        headers: [['api-token', choices.pick([token, ` ${token}`, '', '   ', tokenShaped(choices)])]],
        shape: 'credential: API-Token header',
      }),
    ],
    [2, () => ({ headers: [['cookie', `tessera_session=${session.cookie}`]], shape: 'credential: session without CSRF header' })],
    [
      2,
      () => ({
        headers: [
          ['cookie', `tessera_session=${session.cookie}`],
          ['x-csrf-token', choices.pick(['', 'x', session.csrf!.slice(0, -1), `${session.csrf!}x`, session.csrf!.toUpperCase()])],
        ],
        shape: 'credential: session with a wrong CSRF token',
      }),
    ],
    [
      1,
      () => ({
        headers: [
          ['cookie', `tessera_session=${session.cookie}`],
          ['x-csrf-token', session.csrf!],
          choices.pick<[string, string]>([
            ['origin', 'https://evil.example'],
            ['origin', 'null'],
            ['sec-fetch-site', 'cross-site'],
            ['sec-fetch-site', 'same-site'],
          ]),
        ],
        shape: 'credential: session from another origin',
      }),
    ],
    [
      1,
      () => ({
        headers: [
          [
            'cookie',
            choices.pick([
              `tessera_session=${tokenShaped(choices)}`,
              'tessera_session=',
              `tessera_session=${session.cookie}; tessera_session=x`,
              'tessera_session="',
              `tessera_session=${'%'.repeat(30)}`,
              `tessera_session=${session.cookie!.slice(1)}`,
            ]),
          ],
        ],
        shape: 'credential: malformed session cookie',
      }),
    ],
    [
      1,
      () => ({
        headers: [
          ['cookie', `tessera_session=${session.cookie}`],
          ['authorization', `Bearer ${tokenShaped(choices)}`],
        ],
        shape: 'credential: session cookie and a bad token',
      }),
    ],
  ])();
}

// --- Cases ----------------------------------------------------------------------------------------

function fillPath(operation: Operation, choices: Choices, fixture: Fixture, hostile: boolean): { path: string; note: string } {
  let note = '';
  const path = operation.path.replace(/\{([^}]+)\}/g, () => {
    if (!hostile || !choices.chance(0.6)) return uuidFor(choices, fixture);
    const raw = choices.pick([
      'not-a-uuid',
      '%',
      '%zz',
      '%00',
      '%2F',
      '%2e%2e',
      '..',
      '.',
      '%ED%A0%80',
      '%C0%AF',
      '%FF%FE',
      pct(choices.draw(hostileString)),
      'a'.repeat(choices.pick([37, 300, 5000])),
      randomUuid(choices).toUpperCase(),
      `{${randomUuid(choices)}}`,
      `${randomUuid(choices)}x`,
      Buffer.from('\u00e9\u00ff', 'latin1').toString('latin1'),
      '00000000-0000-0000-0000-00000000000g',
      '-1',
      '1e3',
    ]);
    note = `path parameter ${JSON.stringify(raw.slice(0, 40))}`;
    return raw;
  });
  return { path, note };
}

function query(operation: Operation, choices: Choices, fixture: Fixture, hostile: boolean): { text: string; note: string } {
  const parameters = operation.parameters.filter((p) => p.in === 'query');
  const pairs: string[] = [];
  let note = '';
  for (const parameter of parameters) {
    if (!parameter.required && !choices.chance(0.3)) continue;
    pairs.push(`${parameter.name}=${pct(String(valid({}, parameter.schema, choices, fixture)))}`);
  }
  if (hostile && choices.chance(0.5)) {
    const name = parameters.length > 0 ? choices.pick(parameters).name : choices.pick(['page_size', 'x']);
    const raw = choices.pick([
      '-1',
      '0',
      '201',
      '1e3',
      '1.5',
      'abc',
      '',
      '%',
      '%zz',
      '%00',
      '9'.repeat(400),
      '+5',
      '5%20',
      '0x10',
      'NaN',
      'Infinity',
      pct(choices.draw(hostileString)),
      '%ED%A0%80',
      '\u00ff',
    ]);
    pairs.push(choices.chance(0.2) ? `${name}=1&${name}=${raw}` : choices.chance(0.1) ? `${name}[a]=${raw}` : `${name}=${raw}`);
    note = `query ${name}=${JSON.stringify(raw.slice(0, 30))}`;
  }
  return { text: pairs.length > 0 ? `?${pairs.join('&')}` : '', note };
}

const ODD_PATHS = [
  '/',
  '/api',
  '/api/v1',
  '/api/v1/',
  '/api/v1//me',
  '/api/v1/me/',
  '/API/V1/ME',
  '/api/v1/./me',
  '/api/v1/../v1/me',
  '/api/v1/%2e%2e/v1/me',
  '/api/v2/me',
  '/api/v1/me%00',
  '/api/v1/me;jsessionid=1',
  '/api/v1/me%',
  '/api/v1/%zz',
  '/api/v1/personal-access-tokens/%ED%A0%80',
  '/api/v1/personal-access-tokens/\u00ff\u00fe',
  '/api/v1/teams/x/members/y/z',
  '/api/v1/openapi.json/x',
  '/healthz/x',
  '/metrics?x=%',
  '/.well-known/terraform.json/..',
  '/v1/providers/%00/x/versions',
  '/v1/providers/tessera/tessera/%ff/download/linux/amd64',
  `/api/v1/${'a/'.repeat(500)}`,
  `/api/v1/users?${'a=1&'.repeat(2000)}`,
  '//',
  '/assets/../../etc/passwd',
  '/api/v1/me?page_size=1&page_size=2',
  '/api/v1/sessions/current/x',
];

function buildRequest(operations: Operation[], document: Schema, fixture: Fixture, choices: Choices): Request {
  const mode = choices.weighted<'valid' | 'body' | 'encoding' | 'params' | 'credentials' | 'paths'>([
    [30, 'valid'],
    [20, 'body'],
    [10, 'encoding'],
    [12, 'params'],
    [20, 'credentials'],
    [8, 'paths'],
  ]);
  const operation = choices.pick(operations);
  const principalName = choices.weighted<PrincipalName>([
    [4, 'admin'],
    [3, 'member'],
    [1, 'readonly'],
    [1, 'service'],
    [2, 'session'],
  ]);
  const principal = fixture.principals[principalName];
  let method = operation.method;
  let shape = 'valid';
  let path: string;
  let contentType: string | null = operation.body ? 'application/json' : null;
  const extra: Array<[string, string]> = [];
  let body: Buffer | null = null;
  const value = operation.body ? valid(document, operation.body, choices, fixture) : null;
  if (operation.id === 'signIn' && value && typeof value === 'object' && !Array.isArray(value) && choices.chance(0.5)) {
    value['email'] = fixture.principals.session.name === 'session' ? sessionEmail : value['email']!;
  }
  if (value !== null) body = Buffer.from(JSON.stringify(value));

  if (mode === 'paths') {
    path = choices.pick(ODD_PATHS);
    method = choices.chance(0.5) ? choices.pick(ODD_METHODS) : 'GET';
    shape = `odd path/method ${method} ${path.slice(0, 40)}`;
  } else {
    const filled = fillPath(operation, choices, fixture, mode === 'params');
    const q = query(operation, choices, fixture, mode === 'params');
    path = filled.path + q.text;
    if (mode === 'params') {
      shape = filled.note || q.note || 'parameters';
      if (!filled.note && !q.note && choices.chance(0.5)) {
        method = choices.pick(ODD_METHODS);
        shape = `method ${method} on ${operation.path}`;
      }
    }
  }
  if (mode === 'body') {
    const mutated = mutateBody(value ?? {}, choices);
    body = mutated.body;
    contentType = 'application/json';
    shape = mutated.shape;
  } else if (mode === 'encoding') {
    const mutated = mutateEncoding(value ?? { name: 'x' }, choices);
    body = mutated.body;
    contentType = mutated.contentType;
    extra.push(...mutated.extra);
    shape = mutated.shape;
  }
  let auth: Array<[string, string]>;
  if (mode === 'credentials') {
    const hostile = hostileCredentials(fixture, choices, method);
    auth = hostile.headers;
    shape = hostile.shape;
  } else {
    auth = authHeaders(principal, method);
  }
  // Idempotency-Key and other documented headers, valid or not.
  for (const parameter of operation.parameters.filter((p) => p.in === 'header')) {
    if (parameter.name.toLowerCase() === 'x-csrf-token') continue;
    if (parameter.required || choices.chance(0.3)) {
      const raw =
        mode === 'params' && choices.chance(0.5)
          ? choices.pick(['', ' ', 'a'.repeat(300), '\u00e9', 'k\tk'])
          : String(valid(document, parameter.schema, choices, fixture));
      extra.push([parameter.name.toLowerCase(), raw]);
    }
  }
  const headers: Array<[string, string]> = [...auth, ...extra];
  if (contentType !== null && body !== null) headers.push(['content-type', contentType]);
  headers.push(['principal-for-report', mode === 'credentials' ? '(see shape)' : principalName]);
  return { method, path, headers, body, shape: `${mode}: ${shape}`, operation: mode === 'paths' ? null : operation };
}

let sessionEmail = '';

// --- Sending ----------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function send(base: URL, request: Request, timeoutMs: number): Promise<Answer> {
  return new Promise((resolvePromise, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of request.headers) {
      if (name === 'principal-for-report') continue;
      const existing = headers[name];
      headers[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value];
    }
    if (request.body !== null) headers['content-length'] = String(request.body.length);
    const req = http.request(
      { host: base.hostname, port: base.port, method: request.method, path: request.path, headers, agent, insecureHTTPParser: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(request.body ?? undefined);
  });
}

// --- Checks -----------------------------------------------------------------------------------------

interface Violation {
  kind: string;
  detail: string;
}

// The data fingerprint: triggers, added to this run's own test database only, count the changes
// to what a client owns (rows, revocations, roles, memberships, passwords, successful audit
// events, idempotency records) but not the bookkeeping any authenticated request may do
// (tokens.last_used_at, a session's last_seen_at, failed-authentication audit events, the sweep
// of expired idempotency records). Reading the counters is one small query, before and after
// each state-changing request; the requests are sequential, so a change is that request's.
const TRIGGERS: Array<[table: string, events: string, when?: string]> = [
  ['users', 'INSERT OR DELETE OR UPDATE'],
  ['teams', 'INSERT OR DELETE OR UPDATE'],
  ['team_members', 'INSERT OR DELETE OR UPDATE'],
  ['service_accounts', 'INSERT OR DELETE OR UPDATE'],
  [
    'tokens',
    'INSERT OR DELETE OR UPDATE OF kind, user_id, service_account_id, name, secret_hash, expires_at, revoked_at, created_via, client_reference',
  ],
  ['sessions', 'INSERT OR DELETE OR UPDATE OF user_id, secret_hash, csrf_token'],
  ['user_passwords', 'INSERT OR DELETE OR UPDATE'],
  ['idempotency_records', 'INSERT OR UPDATE'],
  ['audit_events', 'INSERT', "NEW.outcome = 'success'"],
];

async function installChangeCounters(api: TestApi): Promise<void> {
  await api.sql(`CREATE TABLE fuzz_changes (table_name text PRIMARY KEY, n bigint NOT NULL)`);
  await api.sql(`CREATE FUNCTION fuzz_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fuzz_changes VALUES (TG_TABLE_NAME, 1) ON CONFLICT (table_name) DO UPDATE SET n = fuzz_changes.n + 1;
      RETURN NULL;
    END $$`);
  for (const [table, events, when] of TRIGGERS) {
    await api.sql(
      `CREATE TRIGGER fuzz_count_change AFTER ${events} ON ${table} FOR EACH ROW ${when ? `WHEN (${when})` : ''} EXECUTE FUNCTION fuzz_count_change()`,
    );
  }
}

async function fingerprint(api: TestApi): Promise<Record<string, string>> {
  const rows = await api.sql<{ table_name: string; n: string }>('SELECT table_name, n FROM fuzz_changes');
  return Object.fromEntries(TRIGGERS.map(([table]) => [table, rows.find((row) => row.table_name === table)?.n ?? '0']));
}

function matchOperation(operations: Operation[], method: string, path: string): Operation | null {
  const bare = path.split('?')[0]!;
  for (const operation of operations) {
    if (operation.method !== method) continue;
    const pattern = new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(bare)) return operation;
  }
  return null;
}

function check(request: Request, answer: Answer, fixture: Fixture, operations: Operation[]): Violation[] {
  const violations: Violation[] = [];
  const contentType = String(answer.headers['content-type'] ?? '');
  const text = answer.body.toString('utf8');
  if (answer.status >= 500) violations.push({ kind: '5xx', detail: `${answer.status} ${text.slice(0, 300)}` });
  if (answer.status >= 400 && request.method !== 'HEAD' && !contentType.startsWith('application/problem+json')) {
    violations.push({
      kind: 'error not problem+json',
      detail: `${answer.status} content-type ${JSON.stringify(contentType)} ${text.slice(0, 200)}`,
    });
  }
  // The document: only for requests that reach an operation as written (method and path shape).
  const operation =
    request.operation && request.operation.method === request.method ? matchOperation(operations, request.method, request.path) : null;
  if (operation) {
    const documented = operation.responses.get(answer.status);
    if (!documented) {
      violations.push({ kind: 'status not documented', detail: `${operation.id} answered ${answer.status}: ${text.slice(0, 200)}` });
    } else if (documented.contentType === null) {
      if (answer.body.length > 0)
        violations.push({ kind: 'body where none is documented', detail: `${operation.id} ${answer.status}: ${text.slice(0, 200)}` });
    } else if (!contentType.startsWith(documented.contentType)) {
      violations.push({ kind: 'content type not documented', detail: `${operation.id} ${answer.status}: ${contentType}` });
    } else if (documented.validate) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        violations.push({ kind: 'body not JSON', detail: `${operation.id} ${answer.status}: ${text.slice(0, 200)}` });
      }
      if (parsed !== undefined && !documented.validate(parsed)) {
        violations.push({
          kind: 'body contradicts schema',
          detail: `${operation.id} ${answer.status}: ${JSON.stringify(documented.validate.errors?.slice(0, 3))} in ${text.slice(0, 300)}`,
        });
      }
    }
  }
  // Secrets: a token-shaped value may appear only in a create's 201 or where the request itself put it in data.
  const mayHoldToken = answer.status === 201 && operation !== null && SECRET_CREATES.has(operation.id);
  const headerText = Object.entries(answer.headers)
    .filter(([name]) => !(name === 'set-cookie' && answer.status === 201 && operation?.id === 'signIn'))
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join('\n');
  if (!mayHoldToken) {
    const requestData = `${request.path}\n${request.body?.toString('utf8') ?? ''}`;
    for (const found of `${text}\n${headerText}`.match(TOKEN_SHAPE) ?? []) {
      if (!requestData.includes(found))
        violations.push({ kind: 'secret in answer', detail: `${operation?.id ?? request.path} ${answer.status}: ${found.slice(0, 10)}…` });
    }
  }
  for (const [secret, owner] of fixture.secrets) {
    if (!secret.startsWith('ts') && (text.includes(secret) || headerText.includes(secret))) {
      violations.push({ kind: 'secret in answer', detail: `session cookie of ${owner} in ${answer.status}` });
    }
  }
  return violations;
}

// --- Fixture ----------------------------------------------------------------------------------------

let signInAddress = 1;

/**
 * Signs a fixture user in. Each from its own loopback address (127.0.0.2, .3, …): the fuzzer's
 * failed sign-ins from 127.0.0.1 soon meet the per-address sign-in limit, as they should.
 */
async function signIn(api: TestApi, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  signInAddress = (signInAddress % 250) + 1;
  const body = JSON.stringify({ email, password });
  const res = await new Promise<{ status: number; cookie: string | undefined; text: string }>((resolvePromise, reject) => {
    const url = new URL(api.url);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/api/v1/sessions',
        localAddress: `127.0.0.${signInAddress + 1}`,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolvePromise({
            status: answer.statusCode ?? 0,
            cookie: /tessera_session=([^;]+)/.exec(String(answer.headers['set-cookie'] ?? ''))?.[1],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  if (res.status !== 201 || !res.cookie) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  return { cookie: res.cookie, csrf: String((JSON.parse(res.text) as { csrf_token: string }).csrf_token) };
}

async function makePrincipal(api: TestApi, name: PrincipalName, fixture: Fixture | null): Promise<Principal> {
  const admin = fixture?.principals.admin.token ?? api.adminToken;
  const role = name === 'admin' ? 'SysAdmin' : name === 'readonly' ? 'ReadOnly' : 'Member';
  if (name === 'service') {
    const res = await api.request('POST', '/api/v1/service-accounts', { token: admin, body: { name: `fuzz-sa-${randomUUID()}` } });
    if (res.status !== 201) throw new Error(`service account: ${res.status} ${res.text}`);
    const secret = String((res.json['token'] as Record<string, unknown> | undefined)?.['token'] ?? res.json['token']);
    return { name, userId: null, token: secret, tokenId: null, cookie: null, csrf: null, teamId: null };
  }
  if (name === 'session') {
    const user = await api.createUser({ role: 'Member' });
    sessionEmail = user.email;
    const { cookie, csrf } = await signIn(api, user.email, user.password);
    return { name, userId: user.id, token: null, tokenId: null, cookie, csrf, teamId: user.teamId };
  }
  const user = await api.createUserWithToken({ role });
  return { name, userId: user.id, token: user.token, tokenId: user.tokenId, cookie: null, csrf: null, teamId: user.teamId };
}

function remember(fixture: Fixture, principal: Principal): void {
  const secret = principal.token ?? principal.cookie;
  if (secret) fixture.secrets.set(secret, principal.name);
  for (const id of [principal.userId, principal.tokenId, principal.teamId]) if (id) fixture.ids.push(id);
}

async function createFixture(api: TestApi): Promise<Fixture> {
  const names: PrincipalName[] = ['admin', 'member', 'readonly', 'session'];
  const principals = {} as Record<PrincipalName, Principal>;
  for (const name of names) principals[name] = await makePrincipal(api, name, null);
  const fixture: Fixture = {
    api,
    principals,
    revokedToken: '',
    deletedServiceToken: '',
    deactivatedUserToken: '',
    secrets: new Map(),
    ids: [],
  };
  principals.service = await makePrincipal(api, 'service', fixture);
  for (const principal of Object.values(principals)) remember(fixture, principal);

  const revoked = await api.createUserWithToken({ role: 'Member' });
  await api.request('DELETE', `/api/v1/personal-access-tokens/${revoked.tokenId}`, { token: revoked.token });
  fixture.revokedToken = revoked.token;
  fixture.ids.push(revoked.tokenId, revoked.id);

  const sa = await api.request('POST', '/api/v1/service-accounts', {
    token: principals.admin.token!,
    body: { name: `fuzz-deleted-${randomUUID()}` },
  });
  const saBody = sa.json as { id?: string; service_account?: { id: string }; token?: unknown };
  const saId = saBody.service_account?.id ?? saBody.id!;
  fixture.deletedServiceToken = String((saBody.token as Record<string, unknown> | undefined)?.['token'] ?? saBody.token);
  await api.request('DELETE', `/api/v1/service-accounts/${saId}`, { token: principals.admin.token! });
  fixture.ids.push(saId);

  const gone = await api.createUserWithToken({ role: 'Member' });
  const deactivated = await api.request('PATCH', `/api/v1/users/${gone.id}`, { token: principals.admin.token!, body: { active: false } });
  if (deactivated.status !== 200) throw new Error(`deactivate: ${deactivated.status} ${deactivated.text}`);
  fixture.deactivatedUserToken = gone.token;
  fixture.ids.push(gone.id);
  return fixture;
}

/** Operations after whose success a fixture credential may no longer be what it was. */
const DISRUPTIVE = new Set([
  'revokeAllPersonalAccessTokens',
  'revokeAllUserPersonalAccessTokens',
  'revokePersonalAccessToken',
  'deleteServiceAccount',
  'updateUser',
  'updateTeam',
  'deleteTeam',
  'addTeamMember',
  'removeTeamMember',
  'signOut',
  'signIn',
]);

const EXPECTED_ROLE: Record<PrincipalName, string | null> = {
  admin: 'SysAdmin',
  member: 'Member',
  readonly: 'ReadOnly',
  service: null,
  session: 'Member',
};

/** Replaces any fixture principal a successful request disabled or changed, so coverage does not collapse. */
async function heal(fixture: Fixture): Promise<number> {
  let replaced = 0;
  for (const name of Object.keys(fixture.principals) as PrincipalName[]) {
    const principal = fixture.principals[name];
    const res = principal.token
      ? await fixture.api.request('GET', '/api/v1/me', { token: principal.token })
      : await fixture.api.request('GET', '/api/v1/me', { headers: { cookie: `tessera_session=${principal.cookie}` } });
    const roles = JSON.stringify(res.json);
    const expected = EXPECTED_ROLE[name];
    if (res.status === 200 && (expected === null || roles.includes(`"${expected}"`)) && (name === 'admin' || !roles.includes('"SysAdmin"')))
      continue;
    fixture.principals[name] = await makePrincipal(fixture.api, name, fixture);
    remember(fixture, fixture.principals[name]);
    replaced += 1;
  }
  return replaced;
}

// --- Main -------------------------------------------------------------------------------------------

function reproduction(request: Request, seed: number, index: number, fixture: Fixture): string {
  const placeholder = (value: string) => {
    let shown = value;
    for (const [secret, owner] of fixture.secrets) shown = shown.split(secret).join(`<${owner} credential>`);
    for (const [secret, label] of [
      [fixture.revokedToken, 'revoked token'],
      [fixture.deletedServiceToken, 'deleted service account token'],
      [fixture.deactivatedUserToken, 'deactivated user token'],
    ] as const)
      shown = shown.split(secret).join(`<${label}>`);
    return shown;
  };
  const body =
    request.body === null
      ? ''
      : Buffer.from(request.body.toString('utf8')).equals(request.body)
        ? JSON.stringify(request.body.toString('utf8').slice(0, 400))
        : `base64:${request.body.toString('base64').slice(0, 400)}`;
  return [
    `  re-run: npm run fuzz:api -- --seed ${seed} --only ${index}`,
    `  ${request.method} ${JSON.stringify(request.path.slice(0, 300))}`,
    ...request.headers.map(([name, value]) => `  ${name}: ${JSON.stringify(placeholder(value).slice(0, 200))}`),
    body ? `  body (${request.body!.length} bytes): ${body}` : '  (no body)',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = numberOptions('fuzz:api', {
    cases: { default: '1000', help: 'requests to send' },
    seed: { default: String(Date.now() % 1_000_000), help: 'makes the run repeatable' },
    only: { default: '-1', help: 'run this one case of the seed' },
  });
  const { seed } = options;
  const began = Date.now();
  const stopPostgres = await ensureTestPostgres();
  // A high failure limit: the fuzzer sends thousands of bad credentials from one address, and a
  // 429 for everything after the 20th would hide what the API does with them.
  const api = await startTestApi({ logLevel: 'warn', authFailureLimit: 1_000_000_000 });
  let exitCode = 0;
  try {
    const base = new URL(api.url);
    const served = await api.request('GET', '/api/v1/openapi.json');
    if (served.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${served.status}`);
    const document = JSON.parse(served.text) as Schema;
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema(document, 'openapi.json');
    const operations = operationsOf(document, ajv);
    const fixture = await createFixture(api);
    await installChangeCounters(api);

    const byClass = new Map<string, number>();
    const byOperation = new Map<string, { cases: number; statuses: Map<string, number> }>();
    const byShape = new Map<string, number>();
    const violationsByKind = new Map<string, number>();
    const reports: Array<{ kind: string; text: string }> = [];
    let healed = 0;
    let lastFingerprint: Record<string, string> | null = null;
    const timing = new Map<string, number>();
    let fingerprinted = 0;
    const first = options.only >= 0 ? options.only : 0;
    const last = options.only >= 0 ? options.only + 1 : options.cases;
    for (let index = first; index < last; index++) {
      const choices = new Choices(seed, index);
      let mark = performance.now();
      const lap = (phase: string) => {
        const now = performance.now();
        counts(timing, phase, now - mark);
        mark = now;
      };
      const request = buildRequest(operations, document, fixture, choices);
      lap('generate');
      const mutation = !SAFE.has(request.method);
      // The counters after the last state-changing request are the ones before this one (GETs
      // change none of them; if one did, the next 4xx would show it, not hide it).
      lastFingerprint ??= await fingerprint(api);
      const before = mutation ? lastFingerprint : null;
      lap('fingerprint');
      let violations: Violation[];
      let answer: Answer | null = null;
      try {
        answer = await send(base, request, 10_000);
        lap('send');
        violations = check(request, answer, fixture, operations);
        lap('check');
      } catch (error) {
        violations = [{ kind: 'no answer', detail: (error as Error).message }];
      }
      const statusClass = answer ? `${Math.floor(answer.status / 100)}xx` : 'none';
      counts(byClass, statusClass);
      const label = request.operation?.id ?? '(odd path or method)';
      const entry = byOperation.get(label) ?? { cases: 0, statuses: new Map() };
      entry.cases += 1;
      counts(entry.statuses, statusClass);
      byOperation.set(label, entry);
      counts(byShape, request.shape.split(':')[0]!);
      if (mutation) {
        lastFingerprint = await fingerprint(api);
        lap('fingerprint');
      }
      if (answer && answer.status >= 400 && answer.status < 500 && before && lastFingerprint) {
        fingerprinted += 1;
        const after = lastFingerprint;
        const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
        if (changed.length > 0)
          violations.push({
            kind: '4xx changed data',
            detail: `${answer.status}; changed: ${changed.map((t) => `${t} ${before[t]} → ${after[t]}`).join(', ')}`,
          });
      }
      if (answer && answer.status < 300 && request.operation && request.method === request.operation.method) {
        // Keep created objects as targets for later cases, and learn new secrets.
        try {
          const json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
          for (const candidate of [json['id'], (json['service_account'] as Record<string, unknown> | undefined)?.['id']]) {
            if (typeof candidate === 'string' && fixture.ids.length < 5000) fixture.ids.push(candidate);
          }
        } catch {
          // not JSON (204): nothing to keep
        }
        if (DISRUPTIVE.has(request.operation.id)) {
          healed += await heal(fixture);
          lastFingerprint = await fingerprint(api);
        }
        lap('heal');
      }
      for (const violation of violations) {
        counts(violationsByKind, violation.kind);
        exitCode = 1;
        const sameKind = reports.filter((r) => r.kind === violation.kind).length;
        if (reports.length < 20 && (sameKind < 3 || reports.length < 5)) {
          reports.push({
            kind: violation.kind,
            text: `✗ case ${index}: ${violation.kind} (${request.shape})\n  ${violation.detail}\n${reproduction(request, seed, index, fixture)}`,
          });
        }
      }
      if (options.only < 0 && index > 0 && index % 10_000 === 0)
        process.stderr.write(`fuzz:api ${index} cases, ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
    }
    // Errors the server logged (a stack trace, a failed write) count too, whatever it answered.
    const errorLines = api.logs.filter((line) => {
      try {
        return (JSON.parse(line) as { level?: number }).level! >= 50;
      } catch {
        return true;
      }
    });
    if (errorLines.length > 0) {
      exitCode = 1;
      counts(violationsByKind, 'server logged an error', errorLines.length);
      reports.push({ kind: 'server logged an error', text: `✗ server log: ${errorLines.slice(0, 3).join('').slice(0, 1000)}` });
    }

    const total = last - first;
    const seconds = (Date.now() - began) / 1000;
    const totalViolations = [...violationsByKind.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(
      `fuzz:api seed ${seed}, ${total} cases in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} cases/s), ${machineLine()}\n\n`,
    );
    process.stdout.write(
      table(
        'By status class',
        ['class', 'cases'],
        [...byClass].sort().map(([k, v]) => [k, v]),
      ),
    );
    process.stdout.write(
      table(
        'By kind of case',
        ['kind', 'cases'],
        [...byShape].sort().map(([k, v]) => [k, v]),
      ),
    );
    process.stdout.write(
      table(
        'By operation',
        ['operation', 'cases', 'statuses'],
        [...byOperation]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [
            k,
            v.cases,
            [...v.statuses]
              .sort()
              .map(([s, n]) => `${s} ${n}`)
              .join(', '),
          ]),
      ),
    );
    process.stdout.write(`4xx answers to state-changing requests checked against the data fingerprint: ${fingerprinted}\n`);
    process.stdout.write(`time per phase (s): ${[...timing].map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(1)}`).join(', ')}\n`);
    process.stdout.write(`fixture credentials replaced after a request legitimately ended them: ${healed}\n\n`);
    process.stdout.write(
      table('Violations by kind', ['kind', 'count'], violationsByKind.size === 0 ? [['(none)', 0]] : [...violationsByKind]),
    );
    process.stdout.write(
      `violations: ${totalViolations} in ${total} cases (rate ${(totalViolations / Math.max(total, 1)).toExponential(2)})\n`,
    );
    for (const report of reports) process.stdout.write(`\n${report.text}\n`);
    process.stdout.write(`\nRESULT ${exitCode === 0 ? 'PASS' : 'FAIL'} fuzz:api cases=${total} violations=${totalViolations}\n`);
  } finally {
    agent.destroy();
    await api.stop();
    await stopPostgres();
  }
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz:api failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
