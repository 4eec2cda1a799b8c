/**
 * The gRPC server over real HTTP/2 and real mutual TLS, talked to by grpc-js (the reference
 * client) and, where a test needs control over the bytes on the wire, by a raw node:http2 client.
 */
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import { createServerCertificate, type ServerCertificate } from '../plugin/certificate';
import { GrpcServer, type DuplexCall, type MethodDefinition, type ServiceDefinition, type StreamCall } from './server';

type Json = Record<string, unknown>;

const json = {
  serialize: (value: Json): Buffer => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer): Json => JSON.parse(bytes.toString('utf8')) as Json,
};

function method(name: string, requestStream: boolean, responseStream: boolean): MethodDefinition<Json, Json> {
  return {
    path: `/test.Echo/${name}`,
    requestStream,
    responseStream,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  };
}

const ECHO: ServiceDefinition = {
  Unary: method('Unary', false, false),
  Fail: method('Fail', false, false),
  Big: method('Big', false, false),
  Watch: method('Watch', false, true),
  Chat: method('Chat', true, true),
  ChatFail: method('ChatFail', true, true),
  Missing: method('Missing', false, false),
};

const LIMIT = 64 * 1024;

interface Harness {
  server: GrpcServer;
  port: number;
  serverCert: ServerCertificate;
  clientCert: ServerCertificate;
  handlerErrors: { path: string; error: unknown }[];
  watches: StreamCall[];
  unaryCalls: number;
}

async function start(): Promise<Harness> {
  const serverCert = createServerCertificate();
  const clientCert = createServerCertificate();
  const handlerErrors: Harness['handlerErrors'] = [];
  const watches: StreamCall[] = [];
  const server: GrpcServer = new GrpcServer({
    maxMessageBytes: LIMIT,
    tls: { key: serverCert.privateKeyPem, cert: serverCert.certificatePem, clientCa: clientCert.certificatePem },
    onHandlerError: (path, error) => handlerErrors.push({ path, error }),
  });
  const harness: Harness = { server, port: 0, serverCert, clientCert, handlerErrors, watches, unaryCalls: 0 };
  // "Missing" has a definition but no handler: the server must treat it as unknown.
  server.addService(ECHO, {
    Unary: (request: Json) => {
      harness.unaryCalls += 1;
      return { echo: request };
    },
    Fail: () => {
      throw new Error('database password hunter2 at Object.<anonymous> (/srv/secret.ts:1:1)');
    },
    Big: () => ({ blob: 'x'.repeat(LIMIT) }),
    Watch: (_request: Json, call: StreamCall<Json>) => {
      watches.push(call);
      call.write({ hello: true });
    },
    Chat: (call: DuplexCall<Json, Json>) => {
      call.onMessage((message) => call.write({ echo: message }));
      call.onEnd(() => call.end());
    },
    ChatFail: (call: DuplexCall<Json, Json>) => {
      call.onMessage(() => {
        throw new Error('listener broke with token hunter2');
      });
    },
  });
  harness.port = await server.listen({ host: '127.0.0.1', port: 0 });
  return harness;
}

function grpcClient(h: Harness, clientCert: ServerCertificate = h.clientCert): grpc.Client {
  const Client = grpc.makeGenericClientConstructor(ECHO, 'Echo');
  const credentials = grpc.credentials.createSsl(
    Buffer.from(h.serverCert.certificatePem),
    Buffer.from(clientCert.privateKeyPem),
    Buffer.from(clientCert.certificatePem),
  );
  return new Client(`127.0.0.1:${h.port}`, credentials, {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
    'grpc.max_receive_message_length': 4 * LIMIT,
    'grpc.max_send_message_length': 4 * LIMIT,
  });
}

type UnaryFn = (request: Json, callback: (error: grpc.ServiceError | null, response?: Json) => void) => void;

function unary(client: grpc.Client, name: string, request: Json): Promise<Json> {
  const fn = (client as unknown as Record<string, UnaryFn>)[name]!;
  return new Promise((resolve, reject) => fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response!))));
}

/** A raw HTTP/2 client with the right client certificate, for byte-level control. */
function rawSession(h: Harness): http2.ClientHttp2Session {
  return http2.connect(`https://localhost:${h.port}`, {
    ca: h.serverCert.certificatePem,
    key: h.clientCert.privateKeyPem,
    cert: h.clientCert.certificatePem,
    servername: 'localhost',
  });
}

function frame(payload: Buffer, flag = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

interface RawResult {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

function collect(stream: http2.ClientHttp2Stream): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('close', () => resolve({ headers, trailers, body: Buffer.concat(chunks) }));
  });
}

/** Splits a sequence of length-prefixed messages back into payloads. */
function messages(body: Buffer): Json[] {
  const out: Json[] = [];
  for (let at = 0; at < body.length;) {
    const length = body.readUInt32BE(at + 1);
    out.push(json.deserialize(body.subarray(at + 5, at + 5 + length)));
    at += 5 + length;
  }
  return out;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

/** The call's status, from the trailers or (trailers-only) the headers. */
const statusOf = (r: RawResult): string | undefined => (r.trailers['grpc-status'] ?? r.headers['grpc-status']) as string | undefined;

let h: Harness;
beforeEach(async () => {
  h = await start();
});
afterEach(() => h.server.close());

test('a unary call over mutual TLS', async () => {
  const client = grpcClient(h);
  try {
    await expect(unary(client, 'Unary', { n: 1, text: 'ünïcode' })).resolves.toEqual({ echo: { n: 1, text: 'ünïcode' } });
  } finally {
    client.close();
  }
});

test('messages are reassembled across DATA frames, and several in one frame are split', async () => {
  const session = rawSession(h);
  try {
    // A unary request written a few bytes at a time, each write its own DATA frame.
    const unaryStream = session.request({
      ':method': 'POST',
      ':path': '/test.Echo/Unary',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const unaryResult = collect(unaryStream);
    const bytes = frame(json.serialize({ split: 'across many frames' }));
    for (let at = 0; at < bytes.length; at += 3) {
      unaryStream.write(bytes.subarray(at, at + 3));
      await tick();
    }
    unaryStream.end();
    const u = await unaryResult;
    expect(u.headers[':status']).toBe(200);
    expect(u.headers['content-type']).toBe('application/grpc');
    expect(statusOf(u)).toBe('0');
    expect(messages(u.body)).toEqual([{ echo: { split: 'across many frames' } }]);

    // A bidirectional call: two whole messages in one write, then one split inside its prefix.
    const chat = session.request({
      ':method': 'POST',
      ':path': '/test.Echo/Chat',
      'content-type': 'application/grpc+proto',
      te: 'trailers',
    });
    const chatResult = collect(chat);
    chat.write(Buffer.concat([frame(json.serialize({ n: 1 })), frame(json.serialize({ n: 2 }))]));
    await tick();
    const third = frame(json.serialize({ n: 3 }));
    chat.write(third.subarray(0, 2));
    await tick();
    chat.write(third.subarray(2));
    await tick();
    chat.end();
    const c = await chatResult;
    expect(statusOf(c)).toBe('0');
    expect(messages(c.body)).toEqual([{ echo: { n: 1 } }, { echo: { n: 2 } }, { echo: { n: 3 } }]);
  } finally {
    session.close();
  }
});

test('an unknown method, or one without a handler, is UNIMPLEMENTED', async () => {
  const client = grpcClient(h);
  try {
    await expect(unary(client, 'Missing', {})).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  } finally {
    client.close();
  }
  const session = rawSession(h);
  try {
    const stream = session.request({ ':method': 'POST', ':path': '/nope.Service/Nothing', 'content-type': 'application/grpc' });
    stream.end(frame(Buffer.from('{}')));
    const r = await collect(stream);
    expect(r.headers[':status']).toBe(200);
    expect(statusOf(r)).toBe('12');
    expect(decodeURIComponent(String(r.headers['grpc-message']))).toContain('/nope.Service/Nothing');
  } finally {
    session.close();
  }
});

test('a client with another certificate, or none, is refused before any handler runs', async () => {
  const stranger = grpcClient(h, createServerCertificate());
  try {
    await expect(unary(stranger, 'Unary', { n: 1 })).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
  } finally {
    stranger.close();
  }
  const anonymous = http2.connect(`https://localhost:${h.port}`, { ca: h.serverCert.certificatePem, servername: 'localhost' });
  try {
    const refused = await new Promise<unknown>((resolve) => {
      anonymous.on('error', resolve);
      const stream = anonymous.request({ ':method': 'POST', ':path': '/test.Echo/Unary', 'content-type': 'application/grpc' });
      stream.on('error', resolve);
      stream.on('response', () => resolve(undefined));
      stream.end(frame(json.serialize({})));
    });
    // Jest's realms make instanceof unreliable here: an error with a message is what counts.
    expect(refused).toMatchObject({ message: expect.any(String) });
    expect(h.unaryCalls).toBe(0);
  } finally {
    anonymous.destroy();
  }
  // The right client still gets through afterwards.
  const client = grpcClient(h);
  try {
    await expect(unary(client, 'Unary', { n: 2 })).resolves.toEqual({ echo: { n: 2 } });
  } finally {
    client.close();
  }
});

test('a message over the limit, either way, is RESOURCE_EXHAUSTED and the server keeps serving', async () => {
  const client = grpcClient(h);
  try {
    await expect(unary(client, 'Unary', { blob: 'y'.repeat(LIMIT + 1) })).rejects.toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
    });
    await expect(unary(client, 'Big', {})).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    await expect(unary(client, 'Unary', { after: true })).resolves.toEqual({ echo: { after: true } });
  } finally {
    client.close();
  }
  // Refused on the length prefix alone: the body never has to arrive.
  const session = rawSession(h);
  try {
    const stream = session.request({ ':method': 'POST', ':path': '/test.Echo/Unary', 'content-type': 'application/grpc' });
    const head = Buffer.alloc(5);
    head.writeUInt32BE(0xffffffff, 1);
    stream.write(head);
    const r = await collect(stream);
    expect(statusOf(r)).toBe('8');
  } finally {
    session.close();
  }
});

test('compressed messages and non-gRPC requests are refused clearly', async () => {
  const session = rawSession(h);
  try {
    const compressed = session.request({
      ':method': 'POST',
      ':path': '/test.Echo/Unary',
      'content-type': 'application/grpc',
      'grpc-encoding': 'gzip',
    });
    compressed.end(frame(Buffer.from('not really gzip'), 1));
    const c = await collect(compressed);
    expect(statusOf(c)).toBe('12');
    expect(decodeURIComponent(String(c.trailers['grpc-message'] ?? c.headers['grpc-message']))).toContain('gzip');

    const notGrpc = session.request({ ':method': 'POST', ':path': '/test.Echo/Unary', 'content-type': 'application/json' });
    notGrpc.end('{}');
    const n = await collect(notGrpc);
    expect(n.headers[':status']).toBe(415);
  } finally {
    session.close();
  }
});

test('a handler failure is INTERNAL and tells the client nothing of the error', async () => {
  const client = grpcClient(h);
  try {
    const error = (await unary(client, 'Fail', {}).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.INTERNAL);
    expect(error.details).not.toMatch(/hunter2|secret\.ts|at /);
    expect(h.handlerErrors).toHaveLength(1);
    expect(h.handlerErrors[0]?.path).toBe('/test.Echo/Fail');
  } finally {
    client.close();
  }
});

test('a stream listener that throws ends its call with INTERNAL, and the server keeps serving', async () => {
  const client = grpcClient(h);
  try {
    const chat = (client as unknown as Record<string, () => grpc.ClientDuplexStream<Json, Json>>).ChatFail!.call(client);
    const status = new Promise<grpc.StatusObject>((resolve) => {
      chat.on('status', resolve);
      chat.on('error', () => undefined);
    });
    chat.write({ n: 1 });
    const ended = await status;
    expect(ended.code).toBe(grpc.status.INTERNAL);
    expect(ended.details).not.toContain('hunter2');
    expect(h.handlerErrors.map((e) => e.path)).toEqual(['/test.Echo/ChatFail']);
    await expect(unary(client, 'Unary', { after: true })).resolves.toEqual({ echo: { after: true } });
  } finally {
    client.close();
  }
});

test("a client's cancel of a server stream ends the call on the server", async () => {
  const client = grpcClient(h);
  try {
    const fn = (client as unknown as Record<string, (request: Json) => grpc.ClientReadableStream<Json>>).Watch!;
    const call = fn.call(client, {});
    const first = await new Promise<Json>((resolve) => call.once('data', resolve));
    expect(first).toEqual({ hello: true });
    expect(h.server.openStreamCount).toBe(1);
    const serverSide = h.watches[0]!;
    const aborted = new Promise<void>((resolve) => serverSide.signal.addEventListener('abort', () => resolve()));
    call.on('error', () => undefined);
    call.cancel();
    await aborted;
    expect(h.server.openStreamCount).toBe(0);
  } finally {
    client.close();
  }
});

test('endAll ends open streams with OK, which the client reads as a clean end, even one the client keeps sending on', async () => {
  const client = grpcClient(h);
  try {
    const methods = client as unknown as Record<
      string,
      (request?: Json) => grpc.ClientReadableStream<Json> & grpc.ClientDuplexStream<Json, Json>
    >;
    const watch = methods.Watch!.call(client, {});
    const chat = methods.Chat!.call(client);
    const statusOf = (call: grpc.ClientReadableStream<Json>): Promise<grpc.StatusObject> =>
      new Promise((resolve) => {
        call.on('status', resolve);
        call.on('error', () => undefined);
      });
    const watchStatus = statusOf(watch);
    const chatStatus = statusOf(chat);
    // Both calls are open on the server once each has answered once.
    const watchFirst = new Promise<Json>((resolve) => watch.once('data', resolve));
    const chatFirst = new Promise<Json>((resolve) => chat.once('data', resolve));
    chat.write({ n: 1 });
    expect(await watchFirst).toEqual({ hello: true });
    expect(await chatFirst).toEqual({ echo: { n: 1 } });
    expect(h.server.openStreamCount).toBe(2);
    // Resolves when both streams have closed on the server: the bidi one without waiting for
    // the client to end its side.
    await h.server.endAll();
    expect(h.server.openStreamCount).toBe(0);
    expect((await watchStatus).code).toBe(grpc.status.OK);
    expect((await chatStatus).code).toBe(grpc.status.OK);
  } finally {
    client.close();
  }
});
