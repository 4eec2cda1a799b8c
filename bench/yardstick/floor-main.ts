/**
 * The Node floor of the yardstick bench: a provider process that does only what any Node
 * provider must (Node's start, the AutoMTLS certificate, a gRPC server on node:http2 over TLS on
 * a unix socket, the handshake line, the go-plugin controller, stdio and broker services, and an
 * exit after Shutdown) and answers every provider call with the bytes the peer provider answered
 * the same request with (replay.ts). No protobuf, no cty, no provider code runs: whatever this
 * process costs, a Node provider cannot cost less.
 *
 * A request that was not recorded fails the call, and with it the terraform run: the floor
 * never answers anything it was not shown.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrpcServer, type CallContext, type DuplexCall } from '../../provider/protocol/grpc/server';
import { autoMtls } from '../../provider/protocol/plugin/certificate';
import { checkLaunchEnvironment, handshakeLine } from '../../provider/protocol/plugin/handshake';
import { loadReplay, rawMethod, REPLAY_FILE_ENV } from './replay';

async function main(): Promise<void> {
  const launch = checkLaunchEnvironment(process.env);
  if (!launch.ok) {
    process.stderr.write(launch.message);
    process.exit(1);
  }
  const { tls, certificateField } = autoMtls(process.env.PLUGIN_CLIENT_CERT);
  const server = new GrpcServer({
    maxMessageBytes: 256 * 1024 * 1024,
    tls,
    onHandlerError: (path, err) => process.stderr.write(`${path}: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  const socket = join(process.env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), `plugin${randomBytes(6).toString('hex')}.sock`);
  await server.listen({ path: socket });
  process.on('exit', () => {
    try {
      unlinkSync(socket);
    } catch {
      // already gone
    }
  });
  writeSync(1, handshakeLine('unix', socket, certificateField));

  // Like a provider loading its code: after the handshake line, in the same turn.
  const answers = loadReplay(process.env[REPLAY_FILE_ENV] ?? '');
  for (const [path, byRequest] of answers) {
    server.addService(
      { call: rawMethod(path) },
      {
        call: (request: Buffer) => {
          const response = byRequest.get(request.toString('base64'));
          if (!response) throw new Error('this request was not recorded');
          return response;
        },
      },
    );
  }
  const empty = Buffer.alloc(0);
  const exit = (): void => {
    setTimeout(() => process.exit(0), 20).unref();
    void server.endAll().then(() => process.exit(0));
  };
  server.addService(
    { call: rawMethod('/plugin.GRPCController/Shutdown') },
    {
      call: (_request: Buffer, call: CallContext) => {
        call.onClose(exit);
        return empty;
      },
    },
  );
  server.addService({ call: rawMethod('/plugin.GRPCStdio/StreamStdio', 'server-stream') }, { call: () => undefined });
  server.addService(
    { call: rawMethod('/plugin.GRPCBroker/StartStream', 'duplex') },
    {
      call: (call: DuplexCall) => {
        call.onMessage(() => undefined);
        call.onEnd(() => call.end());
      },
    },
  );
  // HealthCheckResponse { status: SERVING }
  server.addService({ call: rawMethod('/grpc.health.v1.Health/Check') }, { call: () => Buffer.from([0x08, 0x01]) });
  process.on('SIGTERM', exit);
  process.on('SIGINT', () => undefined);
}

void main();
