/**
 * Starts a provider the way go-plugin clients (Terraform, OpenTofu) expect: cookie check,
 * gRPC server on a unix socket (TCP fallback), AutoMTLS when the client sent its certificate,
 * the handshake line as the only stdout output, the controller/stdio/broker/health services,
 * and a prompt exit after Shutdown, on SIGTERM, when the parent dies, or never on SIGINT. Before
 * exiting, the provider's onStop hook gets a bounded moment to clean up.
 *
 * Start-up order is chosen for speed (the CLI starts a provider 2–5 times per command): only
 * the gRPC server (../grpc/server, on node:http2), the certificate and the socket come before
 * the handshake line; the protocol service, the message descriptors and (given a
 * LazyProviderDefinition) the provider's own code load right after it, in the same synchronous
 * turn, so they overlap the CLI dialling in and no call can arrive before its handler exists.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderDefinition, StopReason } from '../definition';
import { GrpcServer, type CallContext, type DuplexCall, type StreamCall } from '../grpc/server';
import { createLogger, levelFromEnv, type Logger } from '../logging/logger';
import { autoMtls } from './certificate';
import { checkLaunchEnvironment, handshakeLine } from './handshake';

/** terraform-plugin-go's limit; the grpc default of 4 MiB is too small for big states. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/**
 * After the Shutdown reply's stream has closed (its frames are with the socket), the process
 * exits; this caps the wait should the close never come.
 */
const SHUTDOWN_FLUSH_CAP_MS = 50;
/** How long ending the open streams may hold up the exit. */
const STREAM_END_CAP_MS = 20;

export interface ServeOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
  /**
   * Debug mode (go-plugin "reattach"): serve without being launched by the CLI and print the
   * `TF_REATTACH_PROVIDERS` value to export, so the provider can run under a debugger while
   * Terraform drives it. Defaults to true when the process was started with `--debug`.
   */
  debug?: boolean;
  /**
   * The provider's source address, the key of TF_REATTACH_PROVIDERS, e.g.
   * `registry.terraform.io/acme/thing`. Defaults to `--address=<addr>` on the command line,
   * else `registry.terraform.io/<typeName>/<typeName>`. Only used in debug mode.
   */
  address?: string;
}

/**
 * A provider whose code is loaded only after the handshake line is out: `load` typically
 * `require`s the module that defines it, so a bundler defers evaluating that module and
 * everything it imports.
 */
export interface LazyProviderDefinition<P> {
  typeName: string;
  load(): ProviderDefinition<P>;
}

export interface RunningProvider {
  network: 'unix' | 'tcp';
  address: string;
  /** Stops serving, removes the socket and exits the process (like a Shutdown call). */
  shutdown(): void;
}

export async function serveProvider<P>(
  provider: ProviderDefinition<P> | LazyProviderDefinition<P>,
  options: ServeOptions = {},
): Promise<RunningProvider> {
  // Read before any slow step: a parent that dies during start-up must still count as a change.
  const parent = process.ppid;
  const env = options.env ?? process.env;
  const debug = options.debug ?? process.argv.includes('--debug');
  if (debug) return serveDebug(provider, options, env);
  const launch = checkLaunchEnvironment(env);
  if (!launch.ok) {
    process.stderr.write(launch.message);
    process.exit(1);
  }
  // stdout carries the handshake and nothing else: a stray console.log from any library
  // before it breaks the launch, so everything written to stdout goes to stderr instead.
  const stderrWrite = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  process.stdout.write = stderrWrite;
  // The terminal sends Ctrl-C to the whole process group; the CLI then calls StopProvider.
  process.on('SIGINT', () => undefined);

  const log = options.log ?? createLogger({ level: levelFromEnv(env), module: `provider.terraform-provider-${provider.typeName}` });
  const stop = new AbortController();
  const { tls, certificateField } = autoMtls(env.PLUGIN_CLIENT_CERT);
  const server = createServer(log, tls);
  let exiting = false;
  // Set once the protocol service exists: runs the provider's onStop hook, bounded.
  let release: (reason: StopReason) => Promise<void> = async () => undefined;

  const shutdown = (reason: StopReason = 'shutdown'): void => {
    if (exiting) return;
    exiting = true;
    stop.abort();
    void release(reason).finally(() => exitNow(server));
  };
  // A supervisor's polite "stop now": clean up like Shutdown, then exit.
  process.on('SIGTERM', () => shutdown('signal'));

  const { network, address } = await listen(server, env, log);

  writeSync(1, handshakeLine(network, address, certificateField));
  // Still the same synchronous turn as the write: the CLI cannot have sent a call yet.
  release = addProtocolServices(server, loadDefinition(provider), { log, stop, shutdown });
  log.debug('Provider serving', { network, address, tls: certificateField !== '' });

  // If the CLI dies without Shutdown (SIGKILL, crash), do not linger as an orphan.
  setInterval(() => {
    if (process.ppid !== parent) {
      log.warn('Parent process exited; shutting down');
      shutdown('parent-exited');
    }
  }, 500).unref();

  return { network, address, shutdown: () => shutdown('shutdown') };
}

function createServer(log: Logger, tls?: { key: string; cert: string; clientCa: string }): GrpcServer {
  return new GrpcServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    tls,
    onHandlerError: (path, err) =>
      log.error('Unhandled failure in gRPC handler', { method: path, error: err instanceof Error ? err.message : String(err) }),
    // A refused client certificate or a dropped connection: worth a line when debugging a launch.
    onConnectionError: (err) => log.debug('gRPC connection error', { error: err.message }),
  });
}

/** A unix socket in PLUGIN_UNIX_SOCKET_DIR (or the temp dir), else TCP on the loopback. */
async function listen(server: GrpcServer, env: NodeJS.ProcessEnv, log: Logger): Promise<{ network: 'unix' | 'tcp'; address: string }> {
  const candidate = join(env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), `plugin${randomBytes(6).toString('hex')}.sock`);
  try {
    // sun_path holds 107 bytes on Linux; longer paths cannot be bound.
    if (Buffer.byteLength(candidate) > 100) throw new Error('socket path too long');
    await server.listen({ path: candidate });
    // process.exit skips closing the server, which would remove the socket file: remove it
    // however the process ends (Shutdown, parent death, or process.exit elsewhere). Only
    // SIGKILL escapes this.
    process.on('exit', () => {
      try {
        unlinkSync(candidate);
      } catch {
        // already gone
      }
    });
    return { network: 'unix', address: candidate };
  } catch (err) {
    log.debug('Unix socket unavailable, using TCP', { reason: err instanceof Error ? err.message : String(err) });
    const port = await server.listen({ host: '127.0.0.1', port: 0 });
    return { network: 'tcp', address: `127.0.0.1:${port}` };
  }
}

/**
 * Ends the open streams (stdio and broker then read a clean end of stream, not a dropped
 * connection) and exits as soon as their last frames are out, within a small cap. Nothing
 * else is awaited or closed: the client has its Shutdown reply already, and the kernel closes
 * the sockets when the process is gone (the socket file goes in the 'exit' handler).
 */
function exitNow(server: GrpcServer): void {
  const exit = (): never => process.exit(0);
  setTimeout(exit, STREAM_END_CAP_MS).unref();
  void server.endAll().then(exit);
}

function loadDefinition<P>(provider: ProviderDefinition<P> | LazyProviderDefinition<P>): ProviderDefinition<P> {
  if (!('load' in provider) || typeof provider.load !== 'function') return provider as ProviderDefinition<P>;
  const definition = provider.load();
  if (definition.typeName !== provider.typeName) {
    throw new Error(`lazy provider "${provider.typeName}" loaded a definition named "${definition.typeName}"`);
  }
  return definition;
}

interface ServiceContext {
  log: Logger;
  stop: AbortController;
  shutdown(reason: StopReason): void;
  /** Debug mode: the developer ends the process (Ctrl-C), not the CLI's Shutdown call. */
  debug?: boolean;
}

/** Adds the services; returns the bounded onStop runner for the shutdown paths. */
function addProtocolServices<P>(
  server: GrpcServer,
  definition: ProviderDefinition<P>,
  context: ServiceContext,
): (reason: StopReason) => Promise<void> {
  const { log, stop, shutdown, debug = false } = context;
  // Required here, not imported: a bundler then evaluates these modules (protobufjs, the
  // descriptors, cty, planning) after the handshake line instead of before it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadProtocolServices } = require('../proto/load') as typeof import('../proto/load');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ProviderService, RELEASE_GRACE_MS } = require('../server/provider-service') as typeof import('../server/provider-service');
  const service = new ProviderService(definition, {
    log,
    // Read at every call: in debug mode each StopProvider leaves a fresh signal behind.
    get stopSignal() {
      return stop.signal;
    },
    onStop: () => {
      log.info('StopProvider received: cancelling in-flight operations');
      stop.abort();
    },
  });
  const services = loadProtocolServices();
  server.addService(services.provider, service.implementation());
  server.addService(services.controller, {
    Shutdown: (_request: unknown, call: CallContext) => {
      if (debug) {
        log.info('Shutdown received in debug mode; still serving until interrupted');
        return {};
      }
      // Exit as soon as the reply has left (its stream closed), not on a fixed timer.
      let done = false;
      const exit = (): void => {
        if (done) return;
        done = true;
        shutdown('shutdown');
      };
      call.onClose(exit);
      setTimeout(exit, SHUTDOWN_FLUSH_CAP_MS).unref();
      return {};
    },
  });
  server.addService(services.stdio, {
    // We log to stderr directly; an open, silent stream tells the client stdio is fine.
    StreamStdio: (_request: unknown, _call: StreamCall) => undefined,
  });
  server.addService(services.broker, {
    // No broker connections are offered: read and ignore, end when the client ends.
    StartStream: (call: DuplexCall) => {
      call.onMessage(() => undefined);
      call.onEnd(() => call.end());
    },
  });
  server.addService(services.health, {
    Check: () => ({ status: 1 }),
  });
  return (reason) => service.release(reason, AbortSignal.timeout(RELEASE_GRACE_MS));
}

/**
 * Debug mode: the developer starts the provider (e.g. under `node --inspect`), exports the
 * printed TF_REATTACH_PROVIDERS value, and every terraform command then talks to this one
 * process instead of launching its own. The CLI uses no TLS for reattached providers and, with
 * `"Test": true` (which protocol 6 needs), never calls Shutdown, so the process keeps serving
 * until Ctrl-C.
 */
async function serveDebug<P>(
  provider: ProviderDefinition<P> | LazyProviderDefinition<P>,
  options: ServeOptions,
  env: NodeJS.ProcessEnv,
): Promise<RunningProvider> {
  // The developer reads stderr in their terminal: log at debug level unless told otherwise.
  const level = env.TF_LOG_PROVIDER || env.TF_LOG ? levelFromEnv(env) : 'debug';
  const log = options.log ?? createLogger({ level, module: `provider.terraform-provider-${provider.typeName}` });
  const address = options.address ?? argumentValue('--address') ?? `registry.terraform.io/${provider.typeName}/${provider.typeName}`;
  const server = createServer(log);
  let stop = new AbortController();
  let exiting = false;
  let release: (reason: StopReason) => Promise<void> = async () => undefined;
  const shutdown = (reason: StopReason = 'signal'): void => {
    if (exiting) return;
    exiting = true;
    stop.abort();
    void release(reason).finally(() => exitNow(server));
  };
  const { network, address: listenAddress } = await listen(server, env, log);
  // One process serves many terraform runs: a StopProvider (Ctrl-C in one run) must cancel
  // that run's work only, so each stop hands later calls a fresh signal.
  const stopProxy: AbortController = {
    get signal() {
      return stop.signal;
    },
    abort: (reason?: unknown) => {
      const current = stop;
      stop = new AbortController();
      current.abort(reason);
    },
  } as AbortController;
  release = addProtocolServices(server, loadDefinition(provider), { log, stop: stopProxy, shutdown, debug: true });
  const reattach = reattachConfig(address, network, listenAddress);
  writeSync(
    1,
    'Provider started. To attach Terraform, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n' +
      `\tTF_REATTACH_PROVIDERS='${JSON.stringify(reattach)}'\n\n`,
  );
  log.info('Provider serving in debug mode', { network, address: listenAddress, provider_address: address });
  process.on('SIGINT', () => shutdown('signal'));
  process.on('SIGTERM', () => shutdown('signal'));
  return { network, address: listenAddress, shutdown: () => shutdown('shutdown') };
}

/** The TF_REATTACH_PROVIDERS value for one provider, as go-plugin's ReattachConfig marshals it. */
export function reattachConfig(
  providerAddress: string,
  network: 'unix' | 'tcp',
  address: string,
  pid = process.pid,
): Record<string, unknown> {
  return {
    [providerAddress]: { Protocol: 'grpc', ProtocolVersion: 6, Pid: pid, Test: true, Addr: { Network: network, String: address } },
  };
}

function argumentValue(flag: string): string | undefined {
  const args = process.argv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
    if (arg === flag) return args[i + 1];
  }
  return undefined;
}
