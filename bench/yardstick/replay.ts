/**
 * Record and replay of a provider's answers, for the Node floor of the yardstick bench: the
 * peer provider records, call by call, the bytes Terraform sent and the bytes it answered; the
 * floor provider (floor-main.ts) later answers the same requests with those bytes and computes
 * nothing. Terraform then does exactly the same work against either, so what the floor's
 * process costs is what any Node provider pays for the process, TLS, HTTP/2 and gRPC alone.
 *
 * The file holds one JSON line per call: {"path", "request", "response"}, bytes in base64.
 * Several provider processes append to one file (each line is one small O_APPEND write).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import {
  GrpcServer,
  type CallContext,
  type MethodDefinition,
  type ServiceDefinition,
  type ServiceHandlers,
  type UnaryHandler,
} from '../../provider/protocol/grpc/server';

/** The environment variable naming the file: set for the recording runs and for the floor. */
export const RECORD_FILE_ENV = 'PEER_RECORD_FILE';
export const REPLAY_FILE_ENV = 'PEER_REPLAY_FILE';

interface RecordedCall {
  path: string;
  request: string;
  response: string;
}

const identity = (bytes: Buffer): Buffer => bytes;

/** A method whose messages are left as bytes. */
export function rawMethod(path: string, kind: 'unary' | 'server-stream' | 'duplex' = 'unary'): MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: kind === 'duplex',
    responseStream: kind !== 'unary',
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

/**
 * From now on, every unary call of the tfplugin6 provider service added to any GrpcServer in
 * this process is appended to `file`, request and response as the bytes on the wire.
 */
export function recordCalls(file: string): void {
  const addService = GrpcServer.prototype.addService;
  GrpcServer.prototype.addService = function (this: GrpcServer, service: ServiceDefinition, handlers: ServiceHandlers): void {
    const wrappedService: ServiceDefinition = {};
    const wrappedHandlers: ServiceHandlers = { ...handlers };
    for (const [name, method] of Object.entries(service)) {
      const handler = handlers[name];
      if (!handler || method.requestStream || method.responseStream || !method.path.startsWith('/tfplugin6.Provider/')) {
        wrappedService[name] = method;
        continue;
      }
      // The decoded request object leads back to its bytes when the handler is called with it.
      const requestBytes = new WeakMap<object, Buffer>();
      wrappedService[name] = {
        ...method,
        requestDeserialize: (bytes: Buffer) => {
          const decoded = method.requestDeserialize(bytes);
          if (typeof decoded === 'object' && decoded !== null) requestBytes.set(decoded, Buffer.from(bytes));
          return decoded;
        },
      };
      const unary = handler as UnaryHandler<unknown, unknown>;
      const recorded: UnaryHandler<never, unknown> = async (request, call: CallContext) => {
        const response = await unary(request, call);
        const bytes = requestBytes.get(request as object);
        if (bytes) {
          const line: RecordedCall = {
            path: method.path,
            request: bytes.toString('base64'),
            response: method.responseSerialize(response).toString('base64'),
          };
          appendFileSync(file, `${JSON.stringify(line)}\n`);
        }
        return response;
      };
      wrappedHandlers[name] = recorded;
    }
    addService.call(this, wrappedService, wrappedHandlers);
  };
}

/** The recorded answers: path → request bytes (base64) → response bytes. */
export function loadReplay(file: string): Map<string, Map<string, Buffer>> {
  const answers = new Map<string, Map<string, Buffer>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const call = JSON.parse(line) as RecordedCall;
    let byRequest = answers.get(call.path);
    if (!byRequest) answers.set(call.path, (byRequest = new Map()));
    byRequest.set(call.request, Buffer.from(call.response, 'base64'));
  }
  return answers;
}
