/**
 * A small gRPC server on node:http2: what go-plugin clients (Terraform, OpenTofu) use and
 * nothing more. Unary calls, server streams and bidirectional streams; no compression, no
 * deadlines, no metadata beyond the required headers. A general gRPC library would bring a
 * client, channels, zlib and an HTTP agent into every provider start, and the CLI starts a
 * provider 2–5 times per command.
 *
 * Wire format (gRPC over HTTP/2): every message is a 5-byte prefix (compressed flag, big-endian
 * length) and the message bytes, split across DATA frames however the peer likes. A response is
 * `:status 200` + `content-type: application/grpc` headers, the messages, then trailers with
 * `grpc-status` (and a percent-encoded `grpc-message`); a failure before any message is a
 * single headers frame carrying the status ("trailers-only").
 */
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

/** The status codes this server sends. */
const Status = {
  OK: 0,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
} as const;

/** A method as the protocol's service definitions describe it (the same shape grpc-js clients take). */
export interface MethodDefinition<Request = unknown, Response = unknown> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: Request): Buffer;
  requestDeserialize(bytes: Buffer): Request;
  responseSerialize(value: Response): Buffer;
  responseDeserialize(bytes: Buffer): Response;
  originalName?: string;
}

export type ServiceDefinition = Record<string, MethodDefinition>;

/** What every handler may know about its call. */
export interface CallContext {
  /** The method's path, `/package.Service/Method`. */
  readonly path: string;
  /** Aborted when the client cancels or the call ends for any reason. */
  readonly signal: AbortSignal;
  /** Runs once the call's stream is closed, i.e. after its last frame was handed to the socket. */
  onClose(listener: () => void): void;
}

/** A call whose responses are a stream: stays open until `end()`, the client's cancel, or `endAll()`. */
export interface StreamCall<Response = unknown> extends CallContext {
  write(message: Response): void;
  end(): void;
}

/** A bidirectional call: the client's messages arrive through `onMessage`, its half-close through `onEnd`. */
export interface DuplexCall<Request = unknown, Response = unknown> extends StreamCall<Response> {
  onMessage(listener: (message: Request) => void): void;
  onEnd(listener: () => void): void;
}

export type UnaryHandler<Request = unknown, Response = unknown> = (request: Request, call: CallContext) => Response | Promise<Response>;
export type ServerStreamHandler<Request = unknown, Response = unknown> = (request: Request, call: StreamCall<Response>) => void;
export type DuplexHandler<Request = unknown, Response = unknown> = (call: DuplexCall<Request, Response>) => void;

// Handlers take the protocol's message objects; a method's definition decides which shape applies.
// `never` requests and `unknown` responses accept a handler of any message types without `any`.
type AnyHandler = UnaryHandler<never, unknown> | ServerStreamHandler<never, unknown> | DuplexHandler<never, unknown>;
export type ServiceHandlers = Record<string, AnyHandler>;

export interface GrpcServerOptions {
  /** Largest message accepted or sent, in bytes; larger ones end the call with RESOURCE_EXHAUSTED. */
  maxMessageBytes: number;
  /** TLS with a required, verified client certificate; plain HTTP/2 when absent. */
  tls?: { key: string; cert: string; clientCa: string };
  /** Told about handler failures (the client only gets a generic INTERNAL status). */
  onHandlerError?(path: string, error: unknown): void;
  /** Told about connection-level problems (refused TLS handshakes, broken sessions). */
  onConnectionError?(error: Error): void;
}

interface Route {
  method: MethodDefinition;
  handler: AnyHandler;
}

class CallFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc' };

export class GrpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly server: http2.Http2Server | http2.Http2SecureServer;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  /** Streaming calls still open; `endAll()` ends them. */
  private readonly streams = new Set<StreamCall>();

  constructor(private readonly options: GrpcServerOptions) {
    // Large states arrive as one message: let HTTP/2 buffer what the message limit allows.
    const settings = { maxSessionMemory: Math.ceil((options.maxMessageBytes * 2) / (1024 * 1024)) };
    this.server = options.tls
      ? http2.createSecureServer({
          ...settings,
          key: options.tls.key,
          cert: options.tls.cert,
          // The client's certificate is self-signed (CA:TRUE), so it is its own trust root:
          // only the process holding its private key can connect.
          ca: [options.tls.clientCa],
          requestCert: true,
          rejectUnauthorized: true,
          ALPNProtocols: ['h2'],
        })
      : http2.createServer(settings);
    this.server.on('stream', (stream, headers) => this.dispatch(stream, headers));
    this.server.on('session', (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('error', (err) => this.options.onConnectionError?.(err));
    });
    this.server.on('tlsClientError', (err: Error) => this.options.onConnectionError?.(err));
    this.server.on('sessionError', (err: Error) => this.options.onConnectionError?.(err));
  }

  addService(service: ServiceDefinition, handlers: ServiceHandlers): void {
    for (const [name, method] of Object.entries(service)) {
      const handler = handlers[name];
      if (!handler) continue;
      if (method.requestStream && !method.responseStream) throw new Error(`${method.path}: client-streaming methods are not supported`);
      this.routes.set(method.path, { method, handler });
    }
  }

  /** Listens on a unix socket path, or on `host:port` (port 0 picks a free one); resolves with the port for TCP. */
  listen(target: { path: string } | { host: string; port: number }): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      const listening = (): void => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? (address as AddressInfo).port : 0);
      };
      if ('path' in target) this.server.listen(target.path, listening);
      else this.server.listen(target.port, target.host, listening);
    });
  }

  /**
   * Ends every open streaming call with OK (a clean goodbye the client reads as end of stream);
   * resolves once each of those streams has closed, i.e. its last frames are with the socket.
   */
  endAll(): Promise<void> {
    const closed = [...this.streams].map((call) => {
      const done = new Promise<void>((resolve) => call.onClose(resolve));
      call.end();
      return done;
    });
    return Promise.all(closed).then(() => undefined);
  }

  /** Stops accepting connections and drops the open ones at once. */
  close(): void {
    this.server.close();
    for (const session of this.sessions) session.destroy();
  }

  get openStreamCount(): number {
    return this.streams.size;
  }

  private dispatch(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    // A reset or broken stream emits 'error'; the call's 'close' handling is all that matters then.
    stream.on('error', () => undefined);
    const contentType = headers['content-type'] ?? '';
    if (headers[':method'] !== 'POST' || !/^application\/grpc(\+|;|$)/.test(contentType)) {
      // Not gRPC at all: answer in HTTP terms, as the gRPC spec asks.
      stream.respond({ ':status': headers[':method'] === 'POST' ? 415 : 405 }, { endStream: true });
      return;
    }
    const path = headers[':path'] ?? '';
    const route = this.routes.get(path);
    if (!route) {
      sendTrailersOnly(stream, Status.UNIMPLEMENTED, `Method not found: ${path}`);
      return;
    }
    const encoding = headers['grpc-encoding'];
    new Call(stream, route, this.options, this.streams, typeof encoding === 'string' ? encoding : undefined).start();
  }
}

/** One call on one HTTP/2 stream. */
class Call {
  /**
   * Made on first use of the call's signal: aborting a controller creates a DOMException with a
   * stack trace, a measurable cost per call when, as for every unary call, no one listens.
   */
  private abort: AbortController | undefined;
  private readonly closeListeners: (() => void)[] = [];
  private messageListener: ((message: unknown) => void) | undefined;
  private endListener: (() => void) | undefined;
  private readonly reader: MessageReader;
  private headersSent = false;
  private finished = false;
  /** The client has half-closed: it sends nothing more. */
  private requestDone = false;
  private requestCount = 0;
  private request: unknown;
  private streamCall: DuplexCall | undefined;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly route: Route,
    private readonly options: GrpcServerOptions,
    private readonly openStreams: Set<StreamCall>,
    private readonly encoding: string | undefined,
  ) {
    this.reader = new MessageReader(options.maxMessageBytes);
  }

  start(): void {
    const { stream, route } = this;
    stream.on('close', () => {
      this.finished = true;
      if (this.streamCall) this.openStreams.delete(this.streamCall);
      this.abort?.abort();
      for (const listener of this.closeListeners.splice(0)) listener();
    });
    if (route.method.requestStream) this.startStreamCall();
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    stream.on('end', () => {
      this.requestDone = true;
      this.requestEnded();
    });
  }

  private signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.stream.closed) this.abort.abort();
    }
    return this.abort.signal;
  }

  private context(): CallContext {
    const signal = (): AbortSignal => this.signal();
    return {
      path: this.route.method.path,
      get signal() {
        return signal();
      },
      onClose: (listener) => {
        if (this.stream.closed) listener();
        else this.closeListeners.push(listener);
      },
    };
  }

  private receive(chunk: Buffer): void {
    if (this.finished) return;
    let frames: ReturnType<MessageReader['push']>;
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) {
      if (this.finished) return;
      if (frame.compressed) {
        this.fail(
          this.encoding && this.encoding !== 'identity'
            ? new CallFailure(Status.UNIMPLEMENTED, `Compression "${this.encoding}" is not supported`)
            : new CallFailure(Status.INTERNAL, 'Compressed message received without a grpc-encoding'),
        );
        return;
      }
      let message: unknown;
      try {
        message = this.route.method.requestDeserialize(frame.bytes);
      } catch (err) {
        this.fail(new CallFailure(Status.INTERNAL, `Error parsing request: ${err instanceof Error ? err.message : String(err)}`));
        return;
      }
      this.requestCount += 1;
      if (this.route.method.requestStream) {
        if (!this.runListener(this.messageListener, message)) return;
      } else if (this.requestCount === 1) this.request = message;
      else {
        this.fail(new CallFailure(Status.UNIMPLEMENTED, 'More than one request message for a unary method'));
        return;
      }
    }
  }

  private requestEnded(): void {
    if (this.finished) return;
    if (this.reader.pending) {
      this.fail(new CallFailure(Status.INTERNAL, 'Request ended inside a message'));
      return;
    }
    const { method, handler } = this.route;
    if (method.requestStream) {
      this.runListener(this.endListener, undefined);
      return;
    }
    if (this.requestCount !== 1) {
      this.fail(new CallFailure(Status.UNIMPLEMENTED, 'No request message for a unary method'));
      return;
    }
    if (method.responseStream) {
      this.startStreamCall();
      this.invoke(() => (handler as ServerStreamHandler)(this.request, this.streamCall!)).catch((err: unknown) => this.fail(err));
      return;
    }
    this.invoke(() => (handler as UnaryHandler)(this.request, this.context())).then(
      (response) => {
        if (this.finished) return;
        try {
          this.sendMessage(response);
          this.finish(Status.OK, '');
        } catch (err) {
          this.fail(err);
        }
      },
      (err: unknown) => this.fail(err),
    );
  }

  /** Runs a stream handler's listener; a throw ends the call like a failed handler. Returns false then. */
  private runListener<T>(listener: ((value: T) => void) | undefined, value: T): boolean {
    try {
      listener?.(value);
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  /** Runs a handler; a synchronous throw becomes a rejection. */
  private async invoke<T>(run: () => T | Promise<T>): Promise<T> {
    return run();
  }

  private startStreamCall(): void {
    const context = this.context();
    this.streamCall = {
      ...context,
      write: (message) => {
        if (this.finished) return;
        try {
          this.sendMessage(message);
        } catch (err) {
          this.fail(err);
        }
      },
      end: () => this.finish(Status.OK, ''),
      onMessage: (listener) => {
        this.messageListener = listener;
      },
      onEnd: (listener) => {
        this.endListener = listener;
      },
    };
    this.openStreams.add(this.streamCall);
    if (this.route.method.requestStream) {
      this.invoke(() => (this.route.handler as DuplexHandler)(this.streamCall!)).catch((err: unknown) => this.fail(err));
    }
  }

  private sendMessage(message: unknown): void {
    const body = this.route.method.responseSerialize(message);
    if (body.length > this.options.maxMessageBytes) {
      throw new CallFailure(
        Status.RESOURCE_EXHAUSTED,
        `Response message larger than max (${body.length} vs. ${this.options.maxMessageBytes})`,
      );
    }
    const frame = Buffer.allocUnsafe(5 + body.length);
    frame[0] = 0;
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    if (!this.headersSent) {
      this.headersSent = true;
      this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    }
    this.stream.write(frame);
  }

  private fail(err: unknown): void {
    if (err instanceof CallFailure) {
      this.finish(err.code, err.message);
      return;
    }
    this.options.onHandlerError?.(this.route.method.path, err);
    // Never the error's text or stack: it may carry internals the client has no business seeing.
    this.finish(Status.INTERNAL, 'Internal error in the method handler');
  }

  private finish(code: number, message: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.streamCall) this.openStreams.delete(this.streamCall);
    const { stream } = this;
    if (stream.closed || stream.destroyed) return;
    // A client still sending (a bidi stream, an oversized or refused request) is told to stop
    // without an error once the status is out, so the stream closes now rather than whenever
    // the client ends its side.
    const stopClient = (): void => {
      if (!this.requestDone && !stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    };
    if (!this.headersSent) {
      sendTrailersOnly(stream, code, message);
      setImmediate(stopClient);
    } else {
      stream.once('wantTrailers', () => {
        // The client may have reset the stream meanwhile; then there is no one to tell.
        if (stream.closed || stream.destroyed) return;
        stream.sendTrailers(statusTrailers(code, message));
        // A reset submitted in this turn would overtake the trailers still queued in HTTP/2.
        setImmediate(stopClient);
      });
      stream.end();
    }
  }
}

function statusTrailers(code: number, message: string): http2.OutgoingHttpHeaders {
  const trailers: http2.OutgoingHttpHeaders = { 'grpc-status': String(code) };
  if (message) trailers['grpc-message'] = encodeGrpcMessage(message);
  return trailers;
}

function sendTrailersOnly(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  if (stream.headersSent) return;
  stream.respond({ ...RESPONSE_HEADERS, ...statusTrailers(code, message) }, { endStream: true });
}

/** grpc-message is percent-encoded UTF-8: printable ASCII except '%' stays as it is. */
function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reassembles length-prefixed messages from DATA chunks of any size. */
class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** True while part of a message has arrived and the rest has not. */
  get pending(): boolean {
    return this.buffered > 0;
  }

  push(chunk: Buffer): { compressed: boolean; bytes: Buffer }[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: { compressed: boolean; bytes: Buffer }[] = [];
    while (this.buffered >= 5) {
      const head = this.peek(5);
      const flag = head[0]!;
      const length = head.readUInt32BE(1);
      if (flag > 1) throw new CallFailure(Status.INTERNAL, `Invalid message flag ${flag}`);
      // Refused on its prefix alone, before buffering any of it.
      if (length > this.maxMessageBytes) {
        throw new CallFailure(Status.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs. ${this.maxMessageBytes})`);
      }
      if (this.buffered < 5 + length) break;
      const whole = this.take(5 + length);
      messages.push({ compressed: flag === 1, bytes: whole.subarray(5) });
    }
    return messages;
  }

  private peek(count: number): Buffer {
    if (this.chunks[0]!.length < count) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, count);
  }

  private take(count: number): Buffer {
    const first = this.chunks[0]!;
    let taken: Buffer;
    if (first.length >= count) {
      taken = first.subarray(0, count);
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
    } else {
      const all = Buffer.concat(this.chunks);
      taken = all.subarray(0, count);
      this.chunks = all.length > count ? [all.subarray(count)] : [];
    }
    this.buffered -= count;
    return taken;
  }
}
