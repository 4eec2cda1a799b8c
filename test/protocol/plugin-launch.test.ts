/**
 * The go-plugin launch contract, checked against the bundled test provider started exactly as
 * the CLI starts it (through the mirror's launcher) with a real gRPC client: cookie check,
 * version negotiation, handshake line, AutoMTLS, the side services, StopProvider, SIGINT,
 * Shutdown and parent death.
 */
import * as grpc from '@grpc/grpc-js';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { blockType, createServerCertificate, decodeMsgpack, defineSchema, encodeMsgpack, UNKNOWN } from '../../provider/protocol';
import { connect, goPluginEnv, startPlugin, type PluginProcess } from './support/plugin-process';
import { testProviderMirror, type TestProviderMirror } from './support/test-provider-mirror';

jest.setTimeout(60_000);

let mirror: TestProviderMirror;
const running: PluginProcess[] = [];

beforeAll(async () => {
  mirror = await testProviderMirror();
});
afterAll(() => {
  for (const p of running) {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
    if (p.handshake.network === 'unix') rmSync(p.handshake.address, { force: true });
  }
});

async function start(env: Record<string, string>): Promise<PluginProcess> {
  const p = await startPlugin(mirror.executablePath, goPluginEnv(env));
  running.push(p);
  return p;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)),
  ]);
}

test('run by hand (no magic cookie) it explains itself on stderr and exits 1', () => {
  const r = spawnSync(mirror.executablePath, [], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 20_000 });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('This binary is a plugin. These are not meant to be executed directly.');
});

test('a client that does not offer protocol 6 is refused', () => {
  const r = spawnSync(mirror.executablePath, [], {
    env: goPluginEnv({ PLUGIN_PROTOCOL_VERSIONS: '5' }),
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('offered only 5');
});

describe('without PLUGIN_CLIENT_CERT (TLS disabled)', () => {
  let p: PluginProcess;
  beforeAll(async () => {
    p = await start({});
  });

  test('the handshake line is 1|6|unix|<socket>|grpc| with an empty certificate', () => {
    expect(p.rawLine).toMatch(/^1\|6\|unix\|\/[^|]+\.sock\|grpc\|$/);
    expect(existsSync(p.handshake.address)).toBe(true);
  });

  test('plaintext gRPC serves health, schema and clear diagnostics for unsupported calls', async () => {
    const client = connect(p.handshake);
    try {
      expect(await client.health('Check', { service: 'plugin' })).toEqual({ status: 1 });
      const schema = await client.provider('GetProviderSchema', {});
      expect(Object.keys(schema.resource_schemas as object).sort()).toEqual(['tpt_fault', 'tpt_slow', 'tpt_thing']);
      expect(Object.keys(schema.data_source_schemas as object)).toEqual(['tpt_lookup']);
      expect(Object.keys(schema.ephemeral_resource_schemas as object)).toEqual(['tpt_ticket']);
      expect(schema.server_capabilities).toMatchObject({ get_provider_schema_optional: true, plan_destroy: false });
      const thing = (
        schema.resource_schemas as Record<
          string,
          { version: string; block: { attributes: Array<{ name: string; type: Buffer; sensitive: boolean; write_only: boolean }> } }
        >
      ).tpt_thing;
      expect(thing?.version).toBe('1');
      const secret = thing?.block.attributes.find((a) => a.name === 'secret');
      expect(secret?.sensitive).toBe(true);
      expect(secret?.type.toString()).toBe('"string"');
      expect(thing?.block.attributes.find((a) => a.name === 'password')?.write_only).toBe(true);

      const unknownType = await client.provider('ValidateResourceConfig', {
        type_name: 'tpt_nope',
        config: { msgpack: Buffer.from([0xc0]) },
      });
      expect(unknownType.diagnostics).toEqual([expect.objectContaining({ severity: 1, summary: 'Unsupported resource type' })]);
      const identity = await client.provider('GetResourceIdentitySchemas', {});
      expect(identity).toMatchObject({ identity_schemas: {}, diagnostics: [] });
      const move = await client.provider('MoveResourceState', { target_type_name: 'tpt_thing' });
      expect(move.diagnostics).toEqual([expect.objectContaining({ severity: 1, summary: 'MoveResourceState is not supported' })]);
      const call = await client.provider('CallFunction', { name: 'nope', arguments: [] });
      expect(call.error).toMatchObject({ text: 'This provider defines no functions.' });
      // Reading a null state (a resource already gone) needs no configured provider.
      const early = await client.provider('ReadResource', { type_name: 'tpt_thing', current_state: { msgpack: Buffer.from([0xc0]) } });
      expect(early.diagnostics).toEqual([]);
      const garbage = await client.provider('ValidateResourceConfig', {
        type_name: 'tpt_thing',
        config: { msgpack: Buffer.from([0x93, 0x01]) },
      });
      expect(garbage.diagnostics).toEqual([expect.objectContaining({ severity: 1, summary: 'Invalid value' })]);
    } finally {
      client.close();
    }
  });

  test('GetMetadata lists the types; ephemeral open → renew → close round-trips private data', async () => {
    const client = connect(p.handshake);
    const store = join(mkdtempSync(join(tmpdir(), 'eph-')), 'store.json');
    try {
      const metadata = await client.provider('GetMetadata', {});
      expect(metadata.ephemeral_resources).toEqual([{ type_name: 'tpt_ticket' }]);
      expect((metadata.resources as Array<{ type_name: string }>).map((r) => r.type_name).sort()).toEqual([
        'tpt_fault',
        'tpt_slow',
        'tpt_thing',
      ]);
      const providerType = blockType(
        defineSchema({ attributes: { store_path: { type: 'string', optional: true }, api_key: { type: 'string', optional: true } } }).block,
      );
      await client.provider('ConfigureProvider', {
        config: { msgpack: Buffer.from(encodeMsgpack({ store_path: store, api_key: null }, providerType)) },
      });
      const ticketType = blockType(
        defineSchema({ attributes: { name: { type: 'string', required: true }, value: { type: 'string', computed: true } } }).block,
      );
      const opened = await client.provider('OpenEphemeralResource', {
        type_name: 'tpt_ticket',
        config: { msgpack: Buffer.from(encodeMsgpack({ name: 'grpc', value: null }, ticketType)) },
      });
      expect(opened.diagnostics).toEqual([]);
      const result = decodeMsgpack((opened.result as { msgpack: Buffer }).msgpack, ticketType) as { value: string };
      expect(result.value).toMatch(/^ticket-grpc-/);
      const priv = opened.private as Buffer;
      expect(JSON.parse(priv.toString())).toEqual({ name: 'grpc' });
      expect((await client.provider('RenewEphemeralResource', { type_name: 'tpt_ticket', private: priv })).diagnostics).toEqual([]);
      expect((await client.provider('CloseEphemeralResource', { type_name: 'tpt_ticket', private: priv })).diagnostics).toEqual([]);
      const ticket = (JSON.parse(readFileSync(store, 'utf8')) as { tickets: Record<string, unknown> }).tickets.grpc;
      expect(ticket).toMatchObject({ opened: 1, renewed: 1, closed: 1, value: result.value });
    } finally {
      client.close();
      rmSync(dirname(store), { recursive: true, force: true });
    }
  });

  test('SIGINT is ignored; StopProvider cancels an in-flight apply', async () => {
    p.child.kill('SIGINT');
    const client = connect(p.handshake);
    try {
      const providerType = blockType(
        defineSchema({ attributes: { store_path: { type: 'string', optional: true }, api_key: { type: 'string', optional: true } } }).block,
      );
      const configure = await client.provider('ConfigureProvider', {
        terraform_version: '1.11.4',
        config: { msgpack: Buffer.from(encodeMsgpack({ store_path: '/tmp/unused-store.json', api_key: null }, providerType)) },
      });
      expect(configure.diagnostics).toEqual([]);
      const slowType = blockType(
        defineSchema({ attributes: { delay_ms: { type: 'number', required: true }, id: { type: 'string', computed: true } } }).block,
      );
      const planned = Buffer.from(encodeMsgpack({ delay_ms: 30_000, id: UNKNOWN }, slowType));
      const started = Date.now();
      const apply = client.provider('ApplyResourceChange', {
        type_name: 'tpt_slow',
        prior_state: { msgpack: Buffer.from([0xc0]) },
        planned_state: { msgpack: planned },
        config: { msgpack: Buffer.from(encodeMsgpack({ delay_ms: 30_000, id: null }, slowType)) },
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(await client.provider('StopProvider', {})).toEqual({ Error: '' });
      const result = await within(apply, 5_000, 'cancelled apply');
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 1, summary: 'Creation interrupted' })]);
      expect(decodeMsgpack((result.new_state as { msgpack: Buffer }).msgpack, slowType)).toBeNull();
      expect(p.child.exitCode).toBeNull();
    } finally {
      client.close();
    }
  });

  test('Shutdown answers, then the process exits promptly and removes its socket', async () => {
    const client = connect(p.handshake);
    const started = Date.now();
    await client.controller('Shutdown', {});
    client.close();
    const exit = await within(p.exited, 2_000, 'exit after Shutdown');
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(existsSync(p.handshake.address)).toBe(false);
  });
});

describe("the provider's onStop hook", () => {
  const providerType = blockType(
    defineSchema({ attributes: { store_path: { type: 'string', optional: true }, api_key: { type: 'string', optional: true } } }).block,
  );

  async function configured(): Promise<{
    p: PluginProcess;
    client: ReturnType<typeof connect>;
    stops: () => string[];
    cleanup: () => void;
  }> {
    const dir = mkdtempSync(join(tmpdir(), 'tpt-stop-'));
    const store = join(dir, 'store.json');
    const p = await start({});
    const client = connect(p.handshake);
    const configure = await client.provider('ConfigureProvider', {
      terraform_version: '1.11.4',
      config: { msgpack: Buffer.from(encodeMsgpack({ store_path: store, api_key: null }, providerType)) },
    });
    expect(configure.diagnostics).toEqual([]);
    const stops = (): string[] =>
      existsSync(store) ? ((JSON.parse(readFileSync(store, 'utf8')) as { stops?: string[] }).stops ?? []) : [];
    return { p, client, stops, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  test('runs on StopProvider and again on Shutdown, before the process exits', async () => {
    const { p, client, stops, cleanup } = await configured();
    try {
      expect(await client.provider('StopProvider', {})).toEqual({ Error: '' });
      expect(stops()).toEqual(['stop-provider']);
      await client.controller('Shutdown', {});
      const exit = await within(p.exited, 2_000, 'exit after Shutdown');
      expect(exit.code).toBe(0);
      expect(stops()).toEqual(['stop-provider', 'shutdown']);
    } finally {
      client.close();
      cleanup();
    }
  });

  test('runs on SIGTERM, then the process exits 0', async () => {
    const { p, client, stops, cleanup } = await configured();
    try {
      p.child.kill('SIGTERM');
      const exit = await within(p.exited, 2_000, 'exit after SIGTERM');
      expect(exit.code).toBe(0);
      expect(stops()).toEqual(['signal']);
    } finally {
      client.close();
      cleanup();
    }
  });
});

describe('with PLUGIN_CLIENT_CERT (AutoMTLS)', () => {
  const clientCert = createServerCertificate();
  let p: PluginProcess;
  beforeAll(async () => {
    p = await start({ PLUGIN_CLIENT_CERT: clientCert.certificatePem });
  });
  afterAll(async () => {
    const client = connect(p.handshake, tlsCredentials(p, clientCert));
    await client.controller('Shutdown', {}).catch(() => undefined);
    client.close();
  });

  function serverPem(proc: PluginProcess): string {
    const der = Buffer.from(proc.handshake.cert, 'base64');
    return new X509Certificate(der).toString();
  }

  function tlsCredentials(proc: PluginProcess, cert: { certificatePem: string; privateKeyPem: string }): grpc.ChannelCredentials {
    return grpc.credentials.createSsl(Buffer.from(serverPem(proc)), Buffer.from(cert.privateKeyPem), Buffer.from(cert.certificatePem));
  }

  test('the certificate field is unpadded standard base64 of a self-signed CA cert for localhost', () => {
    expect(p.handshake.cert.length).toBeGreaterThan(50);
    expect(p.handshake.cert).toMatch(/^[A-Za-z0-9+/]+$/);
    const cert = new X509Certificate(Buffer.from(p.handshake.cert, 'base64'));
    expect(cert.subjectAltName).toBe('DNS:localhost');
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(Date.now());
  });

  test('a client holding PLUGIN_CLIENT_CERT and pinning the handshake cert is served', async () => {
    const client = connect(p.handshake, tlsCredentials(p, clientCert));
    try {
      const schema = await client.provider('GetProviderSchema', {});
      expect(schema.provider).toBeTruthy();
    } finally {
      client.close();
    }
  });

  test('a client with any other certificate is refused', async () => {
    const client = connect(p.handshake, tlsCredentials(p, createServerCertificate()));
    try {
      await expect(client.provider('GetProviderSchema', {})).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      client.close();
    }
  });
});

test('the provider exits when its parent dies without calling Shutdown', async () => {
  // sh starts the provider in the background, reports its pid, waits for the handshake and
  // exits: the provider is orphaned.
  const handshakeFile = join(mkdtempSync(join(tmpdir(), 'orphan-')), 'handshake');
  const sh = spawn(
    'sh',
    ['-c', `"$0" >"$1" 2>/dev/null & echo $!; while [ ! -s "$1" ]; do sleep 0.05; done`, mirror.executablePath, handshakeFile],
    { env: goPluginEnv() },
  );
  let out = '';
  sh.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise((r) => sh.on('exit', r));
  const pid = Number(out.trim());
  expect(pid).toBeGreaterThan(0);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 5_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(alive()).toBe(false);
  rmSync(dirname(handshakeFile), { recursive: true, force: true });
});
