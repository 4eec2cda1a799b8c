// A graceful stop while the server's event loop is busy: a keep-alive client's next request that
// reaches the kernel while the loop is blocked must be answered (with `Connection: close`), not
// reset by the drain's sweep of idle connections. The client runs in a worker thread, so its own
// event loop keeps going while the server's is blocked.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { drainable } from '../../api/http/drain';

// Plain CommonJS for the worker: one raw socket, one request, a 'ready' message, then on 'go' the
// second request on the same connection, and whatever came back (or the error) as the result.
const CLIENT = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const socket = net.connect(workerData.port, '127.0.0.1');
const request = (n) => 'GET /' + n + ' HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: keep-alive\\r\\n\\r\\n';
let received = '';
let phase = 'first';
socket.on('data', (chunk) => {
  received += chunk.toString('latin1');
  if (phase === 'first' && received.includes('\\r\\n\\r\\nok')) {
    phase = 'second';
    received = '';
    parentPort.postMessage({ type: 'ready' });
  }
});
socket.on('error', (error) => parentPort.postMessage({ type: 'result', error: error.code ?? error.message, received }));
socket.on('close', () => parentPort.postMessage({ type: 'result', received }));
parentPort.on('message', () => socket.write(request(2)));
socket.write(request(1));
`;

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // The server's loop is blocked on purpose: the client's request waits in the kernel.
  }
}

it('answers a request that arrived on an idle keep-alive connection while the loop was blocked', async () => {
  const server = http.createServer((_req, res) => res.end('ok'));
  const drain = drainable(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const worker = new Worker(CLIENT, { eval: true, workerData: { port } });
  try {
    const result = await new Promise<{ received: string; error?: string }>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (message: { type: string; received: string; error?: string }) => {
        if (message.type === 'ready') {
          // The first response went out before the drain, so the connection is kept alive and idle.
          void drain.drain({ timeoutMs: 5_000, idleGraceMs: 20 });
          worker.postMessage('go');
          // Long past the idle grace: the next sweep is due before the request has been read.
          busyWait(300);
        } else if (message.type === 'result') resolve(message);
      });
    });
    expect(result.error).toBeUndefined();
    expect(result.received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(result.received.toLowerCase()).toContain('connection: close');
    expect(result.received.endsWith('ok')).toBe(true);
  } finally {
    await worker.terminate();
    server.closeAllConnections();
    server.close();
  }
});
