// Whether a failed request may have reached the API: a create that failed before any connection
// existed made nothing, while one whose connection broke after sending may have made a token.
// Real sockets on loopback: a port nobody listens on, and a server that hangs up after reading.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TesseraClient } from './client';
import { TesseraConnectionError } from './errors';

const secret = ['tspat', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcd000000'].join('_');
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5 };
const request = { name: 'ci', expiration_days: 3 };

async function listen(
  onRequest: (server: Server, destroy: () => void) => void,
): Promise<{ url: string; server: Server; count: () => number }> {
  let count = 0;
  const server = createServer((req) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      onRequest(server, () => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, count: () => count };
}

async function closedPort(): Promise<string> {
  const { url, server } = await listen(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

async function failureOf(promise: Promise<unknown>): Promise<TesseraConnectionError> {
  const failure = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(failure).toBeInstanceOf(TesseraConnectionError);
  return failure as TesseraConnectionError;
}

describe('TesseraConnectionError.requestMayHaveArrived', () => {
  it('is false when every attempt was refused before connecting', async () => {
    const client = new TesseraClient({ endpoint: await closedPort(), token: secret, retry: { ...fastRetry, maxRetries: 2 } });
    const failure = await failureOf(client.createPersonalAccessToken(request));
    expect(failure.reason).toBe('connection refused');
    expect(failure.requestMayHaveArrived).toBe(false);
  });

  it('is true when the server read the request and then hung up', async () => {
    const api = await listen((_server, destroy) => destroy());
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: { ...fastRetry, maxRetries: 2 } });
    const failure = await failureOf(client.createPersonalAccessToken(request));
    expect(api.count()).toBe(3);
    expect(failure.requestMayHaveArrived).toBe(true);
    api.server.close();
  });

  it('stays true when an early attempt may have arrived and later ones were refused', async () => {
    const api = await listen((server, destroy) => {
      destroy();
      server.close(); // from now on: connection refused
    });
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: { ...fastRetry, maxRetries: 2 } });
    const failure = await failureOf(client.createPersonalAccessToken(request));
    expect(api.count()).toBe(1);
    expect(failure.reason).toBe('connection refused');
    expect(failure.requestMayHaveArrived).toBe(true);
  });
});
