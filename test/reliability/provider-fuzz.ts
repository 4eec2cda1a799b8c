// `npm run fuzz:provider -- --cases N [--seed S] [--socket-share P]` (full size 1 000 000):
// hostile msgpack, JSON and protobuf payloads fed to every RPC of the tessera provider.
//
// Most cases call the service's typed handlers in this process (createProviderServer, as the
// protocol's own tests do), several at a time as the CLI does. A share (default 1 %) goes over
// the real gRPC socket to a provider process launched with the go-plugin handshake and AutoMTLS
// as terraform launches it; half of those are raw protobuf bytes (random, truncated, bit-flipped).
//
// The provider is configured against a real Tessera API on loopback (the test fixture, real
// PostgreSQL), so the few valid-ish reads, applies, imports and ephemeral opens really call it.
//
// Violations: a handler that throws instead of answering; an unhandled rejection or uncaught
// exception in this process, or the provider process exiting; no answer within 1 s; a bad input
// answered without an error diagnostic; a gRPC error status for a request that decodes (where
// a diagnostic was due). "Bad input" is: a value the protocol's cty codec refuses for the
// schema's type, an unknown type name, state JSON that is not an object. A raw byte string
// that is not a protobuf message at all can only get a gRPC status (the provider's gRPC server
// decodes before any handler runs); for those the provider must answer and stay up.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { encode as msgpackEncode } from '@msgpack/msgpack';
import fc from 'fast-check';
import {
  blockType,
  createServerCertificate,
  decodeValue,
  encodeJsonValue,
  encodeValue,
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  UNKNOWN,
  type CtyType,
  type CtyValue,
  type Diagnostic,
  type EncodedValue,
} from '../../provider/protocol';
import { loadProtocolServices } from '../../provider/protocol/proto/load';
import { RPC_HANDLERS, type RpcName } from '../../provider/protocol/rpc/types';
import { createProviderServer, type TestProviderServer } from '../../provider/protocol/testing';
import type { TesseraProviderContext } from '../../provider/tessera/provider-context';
import { tesseraProvider } from '../../provider/tessera/provider';
import { startTestApi } from '../support/api-server';
import { Choices, counts, ensureTestPostgres, machineLine, numberOptions, table } from './harness';

const repoRoot = path.resolve(__dirname, '..', '..');
/** An answer slower than this is a violation (--hang-ms; the goal is 1 s). */
let HANG_MS = 1000;

type Kind = 'provider' | 'resource' | 'data' | 'ephemeral';
interface Types {
  provider: CtyType;
  resource: Record<string, CtyType>;
  data: Record<string, CtyType>;
  ephemeral: Record<string, CtyType>;
}

/** What an RPC takes: its kind of type name and which of its fields are values of that type. */
const RPCS: Record<RpcName, { kind: Kind | null; values: string[]; weight: number; network?: boolean }> = {
  GetMetadata: { kind: null, values: [], weight: 1 },
  GetProviderSchema: { kind: null, values: [], weight: 1 },
  ValidateProviderConfig: { kind: 'provider', values: ['config'], weight: 6 },
  ConfigureProvider: { kind: 'provider', values: ['config'], weight: 4, network: true },
  StopProvider: { kind: null, values: [], weight: 0 },
  GetFunctions: { kind: null, values: [], weight: 1 },
  CallFunction: { kind: null, values: [], weight: 1 },
  GetResourceIdentitySchemas: { kind: null, values: [], weight: 1 },
  UpgradeResourceIdentity: { kind: 'resource', values: [], weight: 1 },
  ValidateResourceConfig: { kind: 'resource', values: ['config'], weight: 8 },
  UpgradeResourceState: { kind: 'resource', values: [], weight: 8 },
  ReadResource: { kind: 'resource', values: ['currentState'], weight: 8, network: true },
  PlanResourceChange: { kind: 'resource', values: ['priorState', 'proposedNewState', 'config'], weight: 10 },
  ApplyResourceChange: { kind: 'resource', values: ['priorState', 'plannedState', 'config'], weight: 10, network: true },
  ImportResourceState: { kind: 'resource', values: [], weight: 4, network: true },
  MoveResourceState: { kind: null, values: [], weight: 1 },
  ValidateDataResourceConfig: { kind: 'data', values: ['config'], weight: 6 },
  ReadDataSource: { kind: 'data', values: ['config'], weight: 6, network: true },
  ValidateEphemeralResourceConfig: { kind: 'ephemeral', values: ['config'], weight: 6 },
  OpenEphemeralResource: { kind: 'ephemeral', values: ['config'], weight: 6, network: true },
  RenewEphemeralResource: { kind: 'ephemeral', values: [], weight: 3 },
  CloseEphemeralResource: { kind: 'ephemeral', values: [], weight: 3, network: true },
};

// --- Values ---------------------------------------------------------------------------------------

// Lone surrogates are not here: cty strings are Unicode, so the encoder refuses them; they reach
// the provider through the hostile msgpack and JSON shapes instead.
const STRINGS = ['', ' ', 'x', '\u0000', '\u202e', '\u200b', '👩‍👩‍👧', 'a'.repeat(5000), 'tspat_', '${var.x}', '%{if}', '\n'];

/** A value of the type, sometimes with unknowns and nulls; strings and numbers at their edges. */
function valueOf(type: CtyType, choices: Choices, depth = 0): CtyValue {
  if (depth > 0 && choices.chance(0.1)) return null;
  if (depth > 0 && choices.chance(0.05)) return UNKNOWN;
  if (type === 'string')
    return choices.chance(0.6) ? `v${choices.int(0, 1e6)}` : choices.chance(0.5) ? choices.pick(STRINGS) : choices.draw(ARB.grapheme);
  if (type === 'number')
    return choices.pick<number | bigint>([0, 1, 7, 30, 31, -1, 1.5, 1e300, Number.MAX_SAFE_INTEGER, 2n ** 70n, choices.int(-100, 100)]);
  if (type === 'bool') return choices.chance(0.5);
  if (type === 'dynamic') return null;
  switch (type[0]) {
    case 'list':
    case 'set':
      return depth > 4
        ? []
        : Array.from({ length: choices.int(0, 3) }, () => valueOf(type[1], choices, depth + 1)).filter((v) => v !== null);
    case 'map':
      return new Map(
        depth > 4
          ? []
          : Array.from({ length: choices.int(0, 2) }, (_, i) => [`k${i}`, valueOf(type[1], choices, depth + 1)] as [string, CtyValue]),
      );
    case 'tuple':
      return type[1].map((t) => valueOf(t, choices, depth + 1));
    case 'object': {
      const object: Record<string, CtyValue> = Object.create(null) as Record<string, CtyValue>;
      for (const [name, t] of Object.entries(type[1])) object[name] = valueOf(t, choices, depth + 1);
      return object;
    }
  }
  return null;
}

/** A wrong JS value to put where an attribute is expected, for msgpack. */
const wrongAttribute = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, '', [], {}, new Uint8Array([1, 2]), 2 ** 64, -(2 ** 63)),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

// Built once: building an arbitrary costs more than drawing from it.
const ARB = {
  grapheme: fc.string({ unit: 'grapheme', maxLength: 20 }),
  anything: fc.anything({ maxDepth: 3 }),
  json2: fc.jsonValue({ maxDepth: 2 }),
  json3: fc.jsonValue({ maxDepth: 3 }),
  binary40: fc.string({ unit: 'binary', maxLength: 40 }),
  anyObject: fc.dictionary(fc.string(), wrongAttribute as fc.Arbitrary<unknown>),
  flatmap: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })),
  bytes16: fc.uint8Array({ maxLength: 16 }),
  bytes48: fc.uint8Array({ maxLength: 48 }),
  bytes64: fc.uint8Array({ maxLength: 64 }),
  bytes128: fc.uint8Array({ maxLength: 128 }),
};

function nest(levels: number, leaf: Uint8Array): Uint8Array {
  // fixarray of one element, repeated: a depth bomb in few bytes.
  const out = new Uint8Array(levels + leaf.length);
  out.fill(0x91, 0, levels);
  out.set(leaf, levels);
  return out;
}

/** An encoded value: valid for the type, or one of many ways of not being so. */
function encoded(type: CtyType, choices: Choices, validShare: number): { value: EncodedValue | null; shape: string } {
  const objectAttrs = Array.isArray(type) && type[0] === 'object' ? Object.keys(type[1]) : ['x'];
  return choices.weighted<() => { value: EncodedValue | null; shape: string }>([
    [validShare, () => ({ value: encodeValue(valueOf(type, choices), type), shape: 'valid msgpack' })],
    [
      validShare / 4,
      () => ({ value: { json: Buffer.from(encodeJsonValue(wholeKnown(valueOf(type, choices)), type)) }, shape: 'valid JSON' }),
    ],
    [1, () => ({ value: null, shape: 'absent' })],
    [1, () => ({ value: { msgpack: Buffer.from(choices.draw(ARB.bytes64)) }, shape: 'msgpack: random bytes' })],
    [
      3,
      () => {
        const object: Record<string, unknown> = {};
        for (const name of objectAttrs)
          object[name] = choices.chance(0.7) ? msgpackFriendly(valueOf(typeOfAttr(type, name), choices)) : choices.draw(wrongAttribute);
        if (choices.chance(0.3)) object[choices.pick(['__proto__', 'constructor', 'extra', '', '\u0000'])] = 1;
        if (choices.chance(0.2)) delete object[choices.pick(objectAttrs)];
        return { value: { msgpack: Buffer.from(msgpackEncode(object)) }, shape: 'msgpack: wrong attribute types' };
      },
    ],
    [
      1,
      () => ({
        value: { msgpack: Buffer.from(msgpackEncode(choices.draw(ARB.anything), { ignoreUndefined: true })) },
        shape: 'msgpack: any value',
      }),
    ],
    [
      1,
      () => {
        const valid = encodeValue(valueOf(type, choices), type).msgpack!;
        const cut = valid.subarray(0, choices.int(0, Math.max(0, valid.length - 1)));
        return { value: { msgpack: Buffer.from(cut) }, shape: 'msgpack: truncated' };
      },
    ],
    [
      1,
      () => {
        const valid = Buffer.from(encodeValue(valueOf(type, choices), type).msgpack!);
        flipBits(valid, choices, 3);
        return { value: { msgpack: valid }, shape: 'msgpack: bit flips' };
      },
    ],
    [
      1,
      () =>
        ({
          value: {
            msgpack: Buffer.from(
              choices.pick([
                [0xdf, 0xff, 0xff, 0xff, 0xff], // map of 4 G entries, no entries
                [0xdd, 0x7f, 0xff, 0xff, 0xff, 0x01], // array of 2 G elements
                [0xdb, 0xff, 0xff, 0xff, 0xff, 0x41], // str of 4 GB
                [0xc6, 0xff, 0xff, 0xff, 0xff], // bin of 4 GB
                [0xd4, 0x00, 0x00], // fixext 1, type 0: the unknown-value extension
                [0xd4, 0x7f, 0x00], // unknown extension type
                [0xc7, 0x05, 0x0c, 0x01, 0x02, 0x03, 0x04, 0x05], // ext 8 of type 12 (refined unknown) with garbage
                [0xc1], // never used
                [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], // NaN
                [0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], // +Infinity
                [0x81, 0xa0, 0xc0], // { "": nil }
                [0x82, 0xa1, 0x61, 0xc0, 0xa1, 0x61, 0xc0], // duplicate key
                [0x81, 0xa2, 0xed, 0xa0, 0xc0], // key with invalid UTF-8
              ]),
            ),
          },
          shape: 'msgpack: hostile header',
        }) satisfies { value: EncodedValue; shape: string },
    ],
    [
      1,
      () => ({
        value: { msgpack: Buffer.from(nest(choices.pick([100, 10_000, 200_000]), new Uint8Array([0xc0]))) },
        shape: 'msgpack: deep nesting',
      }),
    ],
    [1, () => ({ value: { json: Buffer.from(JSON.stringify(choices.draw(ARB.json3))) }, shape: 'JSON: any value' })],
    [
      1,
      () => ({
        value: {
          json: Buffer.from(
            choices.pick([
              '{',
              '{"a":1,"a":2}',
              '['.repeat(100_000),
              '{"x":"\\ud800"}',
              '{"x":1e999999}',
              '\u0000',
              '{"__proto__":{"polluted":1}}',
              JSON.stringify(Object.fromEntries(objectAttrs.map((a) => [a, { nested: [1, 2] }]))),
            ]),
          ),
        },
        shape: 'JSON: malformed or odd',
      }),
    ],
    [1, () => ({ value: { json: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }, shape: 'JSON: invalid UTF-8' })],
  ])();
}

function flipBits(bytes: Buffer, choices: Choices, most: number): void {
  if (bytes.length === 0) return;
  for (let i = 0; i < choices.int(1, most); i++) {
    const at = choices.int(0, bytes.length - 1);
    bytes[at] = bytes[at]! ^ (1 << choices.int(0, 7));
  }
}

function typeOfAttr(type: CtyType, name: string): CtyType {
  return Array.isArray(type) && type[0] === 'object' ? (type[1][name] ?? 'string') : 'string';
}

function wholeKnown(value: CtyValue): CtyValue {
  if (value === UNKNOWN) return null;
  if (Array.isArray(value)) return value.map(wholeKnown);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, wholeKnown(v)]));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && Object.getPrototypeOf(value) === null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wholeKnown(v as CtyValue)])) as CtyValue;
  }
  return value;
}

function msgpackFriendly(value: CtyValue): unknown {
  if (value === UNKNOWN) return null;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(msgpackFriendly);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, msgpackFriendly(v)]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, msgpackFriendly(v as CtyValue)]));
  return value;
}

// --- Cases ----------------------------------------------------------------------------------------

interface Case {
  rpc: RpcName;
  request: Record<string, unknown>;
  /** Why an error diagnostic is due, or null when the input may be fine. */
  badBecause: string | null;
  shape: string;
}

function typeNameFor(kind: Kind, types: Types, choices: Choices): { name: string; known: boolean } {
  const names = kind === 'provider' ? [] : Object.keys(types[kind]);
  if (names.length > 0 && choices.chance(0.9)) return { name: choices.pick(names), known: true };
  const other = [...Object.keys(types.resource), ...Object.keys(types.data), ...Object.keys(types.ephemeral)].filter(
    (n) => !names.includes(n),
  );
  return {
    name: choices.pick([
      '',
      'tessera_nope',
      'TESSERA_PERSONAL_ACCESS_TOKEN',
      'tessera_personal_access_token\u0000',
      '../x',
      'a'.repeat(1000),
      ...other,
    ]),
    known: false,
  };
}

function capabilities(choices: Choices): unknown {
  return choices.pick([
    null,
    { deferralAllowed: false, writeOnlyAttributesAllowed: true },
    { deferralAllowed: true, writeOnlyAttributesAllowed: false },
  ]);
}

function buildCase(types: Types, choices: Choices): Case {
  const rpc = choices.weighted(Object.entries(RPCS).map(([name, spec]) => [spec.weight, name as RpcName] as const));
  const spec = RPCS[rpc];
  const request: Record<string, unknown> = {};
  const shapes: string[] = [];
  let badBecause: string | null = null;
  let type: CtyType | null = null;
  if (spec.kind === 'provider') type = types.provider;
  else if (spec.kind !== null) {
    const typeName = typeNameFor(spec.kind, types, choices);
    request['typeName'] = typeName.name;
    type = types[spec.kind][typeName.name] ?? null;
    if (!typeName.known) {
      shapes.push('unknown type name');
      // Close and Renew are keyed by private data, not looked up by type name in every design.
      if (rpc !== 'CloseEphemeralResource' && rpc !== 'RenewEphemeralResource' && rpc !== 'UpgradeResourceIdentity')
        badBecause = `unknown type name ${JSON.stringify(typeName.name.slice(0, 40))}`;
    }
  }
  // The RPCs that call the API get mostly hostile values: a valid one costs an API round trip.
  const validShare = spec.network ? 0.3 : 6;
  for (const field of spec.values) {
    const value = encoded(type ?? 'dynamic', choices, validShare);
    request[field] = value.value;
    shapes.push(`${field}: ${value.shape}`);
    if (type && badBecause === null) {
      try {
        decodeValue(value.value, type);
      } catch (error) {
        badBecause = `${field} refused by the codec (${(error as Error).message.slice(0, 80)})`;
      }
    }
  }
  switch (rpc) {
    case 'ConfigureProvider':
      request['terraformVersion'] = choices.pick(['1.11.4', '', '0.0.0', 'x'.repeat(500)]);
      request['clientCapabilities'] = capabilities(choices);
      break;
    case 'ValidateResourceConfig':
    case 'ReadDataSource':
    case 'OpenEphemeralResource':
    case 'ImportResourceState':
    case 'PlanResourceChange':
    case 'ReadResource':
      request['clientCapabilities'] = capabilities(choices) ?? { deferralAllowed: false, writeOnlyAttributesAllowed: false };
      break;
  }
  if (['ReadResource', 'RenewEphemeralResource', 'CloseEphemeralResource'].includes(rpc)) {
    request['private'] = Buffer.from(choices.chance(0.5) ? choices.draw(ARB.bytes48) : JSON.stringify(choices.draw(ARB.json2)));
    shapes.push('private: hostile');
  }
  if (rpc === 'PlanResourceChange') request['priorPrivate'] = Buffer.from(choices.draw(ARB.bytes16));
  if (rpc === 'ApplyResourceChange') request['plannedPrivate'] = Buffer.from(choices.draw(ARB.bytes16));
  if (rpc === 'ImportResourceState') {
    request['id'] = choices.pick([
      '',
      'not-a-uuid',
      '00000000-0000-0000-0000-000000000000',
      '\u0000',
      'a'.repeat(10_000),
      '../../me',
      choices.draw(ARB.binary40),
    ]);
    shapes.push('id: hostile');
  }
  if (rpc === 'UpgradeResourceState') {
    request['version'] = choices.pick([0, 1, -1, 2 ** 31, Number.MAX_SAFE_INTEGER]);
    const raw = choices.weighted<() => { json?: Buffer; flatmap?: Record<string, string>; bad: string | null; shape: string }>([
      [
        2,
        () => ({
          json: Buffer.from(JSON.stringify(msgpackFriendly(valueOf(type ?? 'dynamic', choices)), null, 2)),
          bad: null,
          shape: 'valid-ish pretty JSON',
        }),
      ],
      [
        1,
        () => ({
          json: Buffer.from(choices.pick(['{', '[]', '"x"', '1', '{"a":', '\u0000', '{"id":{"nested":1}}'])),
          bad: 'state JSON not an object',
          shape: 'broken JSON',
        }),
      ],
      [1, () => ({ json: Buffer.from([0x7b, 0xff, 0x7d]), bad: 'state JSON not UTF-8', shape: 'invalid UTF-8' })],
      [1, () => ({ json: Buffer.from(JSON.stringify(choices.draw(ARB.anyObject))), bad: null, shape: 'any object' })],
      [1, () => ({ flatmap: choices.draw(ARB.flatmap), bad: null, shape: 'flatmap' })],
    ])();
    request['rawState'] = { json: raw.json, flatmap: raw.flatmap };
    if (raw.json !== undefined && raw.bad !== null && raw.json.length > 0) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.json.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) badBecause ??= raw.bad;
    }
    shapes.push(`rawState: ${raw.shape}`);
  }
  if (rpc === 'MoveResourceState') {
    request['sourceTypeName'] = choices.pick(['', 'aws_instance', 'tessera_personal_access_token']);
    request['targetTypeName'] = choices.pick(['', 'tessera_personal_access_token', 'x']);
  }
  if (rpc === 'CallFunction') request['name'] = choices.pick(['', 'nope', '\u0000']);
  return { rpc, request, badBecause, shape: shapes.join('; ') || 'no payload' };
}

// --- Running a case ---------------------------------------------------------------------------------

interface Outcome {
  diagnostics: Diagnostic[] | null;
  /** Set when the socket answered with a gRPC status instead of a response. */
  grpcError?: string;
}

interface Violation {
  kind: string;
  detail: string;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<'hang'>((resolve) => {
      timer = setTimeout(() => resolve('hang'), ms);
    }),
  ]);
}

/** CallFunction answers with a function error, not diagnostics (tfplugin6 has no diagnostics there). */
function functionError(answer: object): Diagnostic[] | null {
  const error = (answer as { error?: { text?: string } | null }).error;
  return error ? [{ severity: 'error', summary: String(error.text ?? '') }] : null;
}

function judge(testCase: Case, outcome: Outcome): Violation[] {
  const violations: Violation[] = [];
  if (outcome.grpcError !== undefined) {
    violations.push({ kind: 'gRPC error instead of a diagnostic', detail: outcome.grpcError });
    return violations;
  }
  if (!Array.isArray(outcome.diagnostics)) {
    violations.push({ kind: 'answer without diagnostics list', detail: JSON.stringify(outcome).slice(0, 200) });
    return violations;
  }
  if (testCase.badBecause !== null && !outcome.diagnostics.some((d) => d.severity === 'error')) {
    violations.push({ kind: 'bad input answered without an error diagnostic', detail: testCase.badBecause });
  }
  for (const diagnostic of outcome.diagnostics) {
    if (typeof diagnostic.summary !== 'string' || diagnostic.summary.length === 0)
      violations.push({ kind: 'diagnostic without summary', detail: JSON.stringify(diagnostic).slice(0, 200) });
    if (/\n\s+at .+:\d+:\d+/.test(`${diagnostic.summary}\n${diagnostic.detail ?? ''}`))
      violations.push({ kind: 'stack trace in a diagnostic', detail: diagnostic.summary });
  }
  return violations;
}

async function runInProcess(server: TestProviderServer<TesseraProviderContext>, testCase: Case): Promise<Outcome | 'hang'> {
  const handler = (server as unknown as Record<string, (req: unknown) => Promise<{ diagnostics?: Diagnostic[] }>>)[
    RPC_HANDLERS[testCase.rpc]
  ]!;
  const answer = await withDeadline(handler.call(server, testCase.request), HANG_MS);
  if (answer === 'hang') return 'hang';
  return { diagnostics: answer.diagnostics ?? functionError(answer) };
}

// --- The provider process, over gRPC ------------------------------------------------------------------

const services = loadProtocolServices();
const SEVERITY = ['invalid', 'error', 'warning'] as const;

function snake(value: unknown): unknown {
  if (value === null || value === undefined || Buffer.isBuffer(value) || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(snake);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)]),
    );
  }
  return value;
}

class ProviderProcess {
  private child!: ChildProcessWithoutNullStreams;
  private client!: grpc.Client;
  exits = 0;
  stderr = '';
  private readonly clientCert = createServerCertificate();

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'provider/tessera/main.ts')], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: '6',
        PLUGIN_MIN_PORT: '10000',
        PLUGIN_MAX_PORT: '25000',
        PLUGIN_CLIENT_CERT: this.clientCert.certificatePem,
        TF_LOG: 'off',
        ...this.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-4000)));
    child.on('exit', () => (this.exits += 1));
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no handshake in 60 s: ${this.stderr}`)), 60_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const end = out.indexOf('\n');
        if (end >= 0) {
          clearTimeout(timer);
          resolve(out.slice(0, end));
        }
      });
      child.once('exit', (code) => reject(new Error(`provider exited (${code}) before the handshake: ${this.stderr}`)));
    });
    const [, , network, address, , cert] = line.split('|');
    const serverPem = new X509Certificate(Buffer.from(cert ?? '', 'base64')).toString();
    const credentials = grpc.credentials.createSsl(
      Buffer.from(serverPem),
      Buffer.from(this.clientCert.privateKeyPem),
      Buffer.from(this.clientCert.certificatePem),
    );
    // The same methods, but the request goes out as the bytes given: raw protobuf included.
    const raw: grpc.ServiceDefinition = Object.fromEntries(
      Object.entries(services.provider).map(([name, method]) => [name, { ...method, requestSerialize: (bytes: Buffer) => bytes }]),
    );
    const Client = grpc.makeGenericClientConstructor(raw, 'Provider');
    this.client = new Client(network === 'unix' ? `unix:${address}` : address!, credentials, {
      'grpc.ssl_target_name_override': 'localhost',
      'grpc.default_authority': 'localhost',
    });
    // As terraform does before any resource RPC: read the schema, configure (from the
    // environment). The first call also loads the provider's code, which is not a case.
    await this.call('GetProviderSchema', this.encode('GetProviderSchema', {}));
    const configured = await this.call(
      'ConfigureProvider',
      this.encode('ConfigureProvider', { terraformVersion: '1.11.4', config: this.providerConfig }),
    );
    if (configured.status) throw new Error(`ConfigureProvider over the socket: ${configured.status.message}`);
  }

  providerConfig: EncodedValue | null = null;

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  encode(rpc: RpcName, request: Record<string, unknown>): Buffer {
    return services.provider[rpc]!.requestSerialize(snake(request)) as Buffer;
  }

  decodes(rpc: RpcName, bytes: Buffer): boolean {
    try {
      services.provider[rpc]!.requestDeserialize(bytes);
      return true;
    } catch {
      return false;
    }
  }

  call(rpc: RpcName, bytes: Buffer): Promise<{ response?: Record<string, unknown>; status?: grpc.ServiceError }> {
    return new Promise((resolve) => {
      const method = (
        this.client as unknown as Record<
          string,
          (
            req: Buffer,
            meta: grpc.Metadata,
            opts: grpc.CallOptions,
            cb: (e: grpc.ServiceError | null, r: Record<string, unknown>) => void,
          ) => void
        >
      )[rpc]!;
      method.call(this.client, bytes, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (error, response) =>
        resolve(error ? { status: error } : { response }),
      );
    });
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.alive) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await withDeadline(exited, 5000);
      if (this.alive) this.child.kill('SIGKILL');
    }
  }
}

function hostileProtobuf(valid: Buffer, choices: Choices): { bytes: Buffer; shape: string } {
  return choices.weighted<() => { bytes: Buffer; shape: string }>([
    [2, () => ({ bytes: Buffer.from(choices.draw(ARB.bytes128)), shape: 'protobuf: random bytes' })],
    [2, () => ({ bytes: valid.subarray(0, choices.int(0, Math.max(0, valid.length - 1))), shape: 'protobuf: truncated' })],
    [
      2,
      () => {
        const copy = Buffer.from(valid);
        flipBits(copy, choices, 4);
        return { bytes: copy, shape: 'protobuf: bit flips' };
      },
    ],
    [
      1,
      () => ({
        bytes: Buffer.concat([valid, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]),
        shape: 'protobuf: length prefix past the end',
      }),
    ],
    [
      1,
      () => ({
        bytes: Buffer.concat([Buffer.from([0x0a, 0x03, 0xed, 0xa0, 0x80]), valid]),
        shape: 'protobuf: invalid UTF-8 in a string field',
      }),
    ],
    [
      1,
      () => ({ bytes: Buffer.concat([valid, Buffer.from([0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01])]), shape: 'protobuf: unknown high field' }),
    ],
    [1, () => ({ bytes: Buffer.from([0x0b, 0x0c]), shape: 'protobuf: groups' })],
  ])();
}

async function startFuzzApi(
  databaseUrl: string,
  serverKey: Buffer,
): Promise<{ url: string; child: ChildProcessWithoutNullStreams; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fuzz-api-process.ts')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: databaseUrl,
      TESSERA_SERVER_KEY: serverKey.toString('hex'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = /^\{.*\}$/m.exec(out)?.[0];
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`the fuzz API exited before listening: ${stderr}`)));
  });
  return { url, child, exited };
}

// --- Main ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = numberOptions('fuzz:provider', {
    cases: { default: '10000', help: 'cases in all' },
    seed: { default: String(Date.now() % 1_000_000), help: 'makes the run repeatable' },
    'socket-share': { default: '0.01', help: 'share of cases sent over the gRPC socket' },
    concurrency: { default: '4', help: 'in-process cases in flight at once' },
    'hang-ms': { default: '1000', help: 'an answer slower than this is a hang' },
  });
  HANG_MS = options['hang-ms'];
  const { seed, cases } = options;
  const socketShare = options['socket-share'];
  const began = Date.now();
  const crashes: string[] = [];
  process.on('unhandledRejection', (reason) =>
    crashes.push(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`),
  );
  process.on('uncaughtException', (error) => crashes.push(`uncaught exception: ${error.message}`));

  const stopPostgres = await ensureTestPostgres();
  // The fixture makes the database (migrated, with a user and token); the provider talks to an
  // API in a process of its own (fuzz-api-process.ts), so its answers do not wait on this
  // process's event loop, which is busy with the cases.
  const api = await startTestApi({ logLevel: 'warn' });
  const user = await api.createUserWithToken({ role: 'Member' });
  const apiProcess = await startFuzzApi(api.databaseUrl, api.serverKey);
  const providerEnv = { TESSERA_ENDPOINT: apiProcess.url, TESSERA_API_TOKEN: user.token, TESSERA_REQUEST_TIMEOUT: '5s' };
  Object.assign(process.env, providerEnv);
  const socket = new ProviderProcess(providerEnv);
  let exitCode = 0;
  try {
    const configured = createProviderServer(tesseraProvider);
    const schema = await configured.getProviderSchema();
    const types: Types = {
      provider: blockType(schema.provider.block),
      resource: Object.fromEntries(Object.entries(schema.resourceSchemas).map(([n, s]) => [n, blockType(s.block)])),
      data: Object.fromEntries(Object.entries(schema.dataSourceSchemas).map(([n, s]) => [n, blockType(s.block)])),
      ephemeral: Object.fromEntries(Object.entries(schema.ephemeralResourceSchemas).map(([n, s]) => [n, blockType(s.block)])),
    };
    const caps = { deferralAllowed: false, writeOnlyAttributesAllowed: true };
    const config = encodeValue({ endpoint: null, api_token: null, request_timeout: null }, types.provider);
    const configuredAnswer = await configured.configureProvider({ terraformVersion: '1.11.4', config, clientCapabilities: caps });
    if (configuredAnswer.diagnostics.some((d) => d.severity === 'error'))
      throw new Error(`configure: ${JSON.stringify(configuredAnswer.diagnostics)}`);
    // ConfigureProvider cases go to a server of their own, so a hostile one cannot reconfigure the others.
    const unconfigured = createProviderServer(tesseraProvider);
    socket.providerConfig = config;
    if (socketShare > 0) await socket.start();

    const byRpc = new Map<string, { cases: number; errors: number; socket: number }>();
    const byShape = new Map<string, number>();
    const violationsByKind = new Map<string, number>();
    const reports: string[] = [];
    let slowest = 0;
    let socketCases = 0;
    let rawCases = 0;
    let rawStatus = 0;
    // Where in the run violations fall (per 100 000 cases): a burst points at the machine, not at an input.
    const byBlock = new Map<string, number>();
    const record = (index: number, testCase: Case, violations: Violation[], where: string) => {
      for (const violation of violations) {
        counts(violationsByKind, violation.kind);
        counts(byBlock, `${Math.floor(index / 100_000) * 100}k–${Math.floor(index / 100_000) * 100 + 100}k`);
        exitCode = 1;
        if (reports.length < 20) {
          reports.push(
            `✗ case ${index} (${where}): ${violation.kind}\n  ${violation.detail}\n  ${testCase.rpc} ${testCase.shape}\n  re-run: npm run fuzz:provider -- --seed ${seed} --cases ${index + 1} (case ${index})`,
          );
        }
      }
    };

    const runOne = async (index: number): Promise<void> => {
      const choices = new Choices(seed, index);
      const testCase = buildCase(types, choices);
      const entry = byRpc.get(testCase.rpc) ?? { cases: 0, errors: 0, socket: 0 };
      entry.cases += 1;
      byRpc.set(testCase.rpc, entry);
      for (const part of testCase.shape.split('; ')) counts(byShape, part.replace(/^[a-zA-Z]+: /, ''));
      const overSocket = socketShare > 0 && choices.next() < socketShare;
      const started = performance.now();
      let outcome: Outcome | 'hang';
      if (!overSocket) {
        try {
          outcome = await runInProcess(
            testCase.rpc === 'ConfigureProvider' || testCase.rpc === 'ValidateProviderConfig' ? unconfigured : configured,
            testCase,
          );
        } catch (error) {
          record(
            index,
            testCase,
            [{ kind: 'handler threw', detail: (error as Error).stack?.slice(0, 400) ?? String(error) }],
            'in process',
          );
          return;
        }
      } else {
        socketCases += 1;
        entry.socket += 1;
        const valid = socket.encode(testCase.rpc, testCase.request);
        const raw = choices.chance(0.5) ? hostileProtobuf(valid, choices) : null;
        const bytes = raw?.bytes ?? valid;
        if (raw) {
          rawCases += 1;
          counts(byShape, raw.shape);
        }
        const answer = await withDeadline(socket.call(testCase.rpc, bytes), HANG_MS);
        if (answer === 'hang') outcome = 'hang';
        else if (answer.status) {
          if (raw && !socket.decodes(testCase.rpc, bytes)) {
            rawStatus += 1;
            outcome = { diagnostics: [] };
            testCase.badBecause = null;
          } else outcome = { diagnostics: null, grpcError: `${answer.status.code} ${answer.status.details}` };
        } else {
          const listed = answer.response?.['diagnostics'] as Array<Record<string, unknown>> | undefined;
          const fnError = answer.response?.['error'] as { text?: string } | null | undefined;
          const diagnostics = (
            (!listed || listed.length === 0) && fnError
              ? [{ severity: 1, summary: fnError.text }]
              : ((listed as Array<Record<string, unknown>> | undefined) ?? [])
          ).map((d) => ({
            severity: SEVERITY[Number(d['severity'])] ?? 'invalid',
            summary: String(d['summary'] ?? ''),
            detail: String(d['detail'] ?? ''),
          })) as Diagnostic[];
          // Raw bytes that still decode carry other values than the case built: judge only crashes and hangs.
          if (raw) testCase.badBecause = null;
          outcome = { diagnostics };
        }
        if (!socket.alive) {
          record(index, testCase, [{ kind: 'provider process exited', detail: socket.stderr.slice(-400) }], 'socket');
          await socket.start();
        }
      }
      const elapsed = performance.now() - started;
      slowest = Math.max(slowest, elapsed);
      if (outcome === 'hang') {
        record(
          index,
          testCase,
          [{ kind: `no answer within ${HANG_MS} ms`, detail: `${testCase.rpc}` }],
          overSocket ? 'socket' : 'in process',
        );
        return;
      }
      if (outcome.diagnostics?.some((d) => d.severity === 'error')) entry.errors += 1;
      record(index, testCase, judge(testCase, outcome), overSocket ? 'socket' : 'in process');
    };

    // Cases run several at a time, as the CLI calls RPCs concurrently; each is timed on its own.
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < cases; index = next++) {
        await runOne(index);
        if (index > 0 && index % 100_000 === 0)
          process.stderr.write(`fuzz:provider ${index} cases, ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
    for (const crash of crashes) {
      exitCode = 1;
      counts(violationsByKind, 'crash (in this process)');
      if (reports.length < 20) reports.push(`✗ ${crash}`);
    }
    if (socketShare > 0 && !socket.alive) {
      exitCode = 1;
      counts(violationsByKind, 'provider process exited');
    }

    const seconds = (Date.now() - began) / 1000;
    const total = [...violationsByKind.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(
      `fuzz:provider seed ${seed}, ${cases} cases in ${seconds.toFixed(1)} s (${(cases / seconds).toFixed(0)} cases/s), ${machineLine()}\n`,
    );
    process.stdout.write(
      `over the gRPC socket: ${socketCases} cases (${rawCases} raw protobuf, of which ${rawStatus} undecodable and answered with a gRPC status); provider process exits: ${socket.exits}\n`,
    );
    process.stdout.write(`slowest answer: ${slowest.toFixed(0)} ms (limit ${HANG_MS} ms)\n\n`);
    process.stdout.write(
      table(
        'By RPC',
        ['rpc', 'cases', 'answered with an error diagnostic', 'over the socket'],
        [...byRpc].sort(([a], [b]) => a.localeCompare(b)).map(([rpc, e]) => [rpc, e.cases, e.errors, e.socket]),
      ),
    );
    process.stdout.write(
      table(
        'By payload shape',
        ['shape', 'count'],
        [...byShape].sort(([, a], [, b]) => b - a).map(([k, v]) => [k, v]),
      ),
    );
    process.stdout.write(
      table('Violations by kind', ['kind', 'count'], violationsByKind.size === 0 ? [['(none)', 0]] : [...violationsByKind]),
    );
    process.stdout.write(`violations: ${total} in ${cases} cases\n`);
    if (byBlock.size > 0)
      process.stdout.write(`violations per 100 000 cases: ${[...byBlock].map(([block, n]) => `${block} ${n}`).join(', ')}\n`);
    for (const report of reports) process.stdout.write(`\n${report}\n`);
    process.stdout.write(`\nRESULT ${exitCode === 0 ? 'PASS' : 'FAIL'} fuzz:provider cases=${cases} violations=${total}\n`);
    await configured.stopProvider();
    await unconfigured.stopProvider();
  } finally {
    await socket.stop();
    apiProcess.child.kill('SIGTERM');
    await withDeadline(apiProcess.exited, 10_000);
    await api.stop();
    await stopPostgres();
  }
  process.exitCode = exitCode;
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz:provider failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 2;
});
