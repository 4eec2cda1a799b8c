// Graceful stop of an HTTP(S) server under load: the listener closes at once (new connections
// are refused), every request already received is answered, and keep-alive connections are
// closed only once they have nothing in progress.
//
// Node's own server.close() closes idle keep-alive connections immediately. Under load, an
// "idle" connection often has the client's next request already in the kernel's receive buffer,
// not yet read; closing it resets the connection and that request fails. So the listener is
// closed alone, responses from then on carry `Connection: close` (the client opens no new
// request on them), and connections still idle after a short grace are closed. Each sweep
// closes them in the event loop's check phase, right after its poll phase has read whatever the
// kernel already holds: a request that arrived while the loop was busy has begun by then, so its
// connection is no longer idle. A sweep in the timers phase would see it as idle and reset it.
import type http from 'node:http';
import * as net from 'node:net';

export interface DrainOptions {
  /** After this, connections still busy are cut (their requests fail). */
  timeoutMs: number;
  /** How long an idle keep-alive connection may still deliver a request it already sent. */
  idleGraceMs?: number;
}

export interface DrainResult {
  /** Requests being handled when the drain began. */
  inFlightAtStart: number;
  /** Requests cut at the timeout (0 when every request finished). */
  cut: number;
  /** From the start of the drain until the last connection closed. */
  ms: number;
}

export interface ServerDrain {
  readonly draining: boolean;
  drain(options: DrainOptions): Promise<DrainResult>;
}

const DEFAULT_IDLE_GRACE_MS = 200;

/** Call right after creating the server, before it receives requests. */
export function drainable(server: http.Server): ServerDrain {
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  let result: Promise<DrainResult> | null = null;

  // Prepended: the app may answer synchronously inside its own 'request' listener.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (draining) res.setHeader('Connection', 'close');
  });

  function drain(options: DrainOptions): Promise<DrainResult> {
    result ??= new Promise<DrainResult>((resolve) => {
      draining = true;
      const started = performance.now();
      const inFlightAtStart = inFlight.size;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      let cut = 0;
      const grace = options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS;
      // Connections that finished a response begun before the drain (headers already out) stay
      // open as keep-alive: sweep idle ones until none is left.
      const sweeper = setInterval(() => setImmediate(() => server.closeIdleConnections()), grace);
      const deadline = setTimeout(() => {
        cut = inFlight.size;
        server.closeAllConnections();
      }, options.timeoutMs);
      // net.Server's close, not http.Server's: it stops listening without closing idle connections.
      net.Server.prototype.close.call(server, () => {
        clearInterval(sweeper);
        clearTimeout(deadline);
        resolve({ inFlightAtStart, cut, ms: Math.round(performance.now() - started) });
      });
    });
    return result;
  }

  return {
    get draining() {
      return draining;
    },
    drain,
  };
}
