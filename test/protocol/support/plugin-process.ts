/**
 * Starts the bundled test provider the way go-plugin does (environment, stdout handshake) and
 * connects a real gRPC client to it, for tests of the launch contract itself.
 */
import * as grpc from '@grpc/grpc-js';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../../provider/protocol';
import { loadProtocolServices } from '../../../provider/protocol/proto/load';

export interface Handshake {
  core: string;
  app: string;
  network: string;
  address: string;
  protocol: string;
  cert: string;
}

export interface PluginProcess {
  child: ChildProcessWithoutNullStreams;
  handshake: Handshake;
  rawLine: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function goPluginEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: '5,6',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    ...extra,
  };
}

export function startPlugin(executable: string, env: Record<string, string>): Promise<PluginProcess> {
  const child = spawn(executable, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no handshake within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const rawLine = out.slice(0, newline);
      const [core = '', app = '', network = '', address = '', protocol = '', cert = ''] = rawLine.split('|');
      resolve({ child, handshake: { core, app, network, address, protocol, cert }, rawLine, stderr: () => stderr, exited });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`plugin exited with ${code} before the handshake; stderr: ${stderr}`));
    });
  });
}

export type UnaryCall = (method: string, request: object) => Promise<Record<string, unknown>>;

export interface PluginClient {
  provider: UnaryCall;
  controller: UnaryCall;
  health: UnaryCall;
  close(): void;
}

export function connect(handshake: Handshake, credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure()): PluginClient {
  const services = loadProtocolServices();
  const target = handshake.network === 'unix' ? `unix:${handshake.address}` : handshake.address;
  const options = { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' };
  const make = (def: grpc.ServiceDefinition, name: string): grpc.Client => {
    const Ctor = grpc.makeGenericClientConstructor(def, name);
    return new Ctor(target, credentials, options);
  };
  const clients = [make(services.provider, 'Provider'), make(services.controller, 'GRPCController'), make(services.health, 'Health')];
  const caller =
    (client: grpc.Client): UnaryCall =>
    (method, request) =>
      new Promise((resolve, reject) => {
        const fn = (
          client as unknown as Record<
            string,
            (
              req: object,
              meta: grpc.Metadata,
              opts: grpc.CallOptions,
              cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void,
            ) => void
          >
        )[method];
        if (!fn) throw new Error(`no method ${method}`);
        fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (err, res) => (err ? reject(err) : resolve(res)));
      });
  const [provider, controller, health] = clients as [grpc.Client, grpc.Client, grpc.Client];
  return {
    provider: caller(provider),
    controller: caller(controller),
    health: caller(health),
    close: () => clients.forEach((c) => c.close()),
  };
}
