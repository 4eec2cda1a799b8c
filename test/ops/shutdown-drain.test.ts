// SIGTERM while 50 connections send mixed requests, as a process manager stops the API during a
// deploy: every request sent before the signal gets its normal answer, the listener closes (new
// connections are refused), then the pool, then PostgreSQL, and the process exits 0.
import * as net from 'node:net';
import { isProcessAlive, sleep } from '../../api/db/embedded-postgres-os';
import { startMixedLoad, summariseDrain } from '../support/mixed-load';
import { cleanUpTesseraProcesses, startTesseraProcess } from '../support/tessera-process';

afterEach(() => cleanUpTesseraProcesses());

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('SIGTERM under load', () => {
  it('finishes every in-flight request, refuses new connections, then closes the pool and PostgreSQL, and exits 0', async () => {
    const tessera = await startTesseraProcess({ via: 'node' });
    const postmaster = tessera.postmaster();
    const load = startMixedLoad({ url: tessera.url, token: tessera.adminToken(), connections: 50 });
    await sleep(3_000);
    const logsBefore = tessera.entries.length;
    const signalAt = Date.now();
    tessera.child.kill('SIGTERM');

    // Once the listener is closed, a new connection is refused while the old ones still drain.
    await tessera.waitForLog((e) => e.msg?.startsWith('HTTP listener closed') === true, 10_000, logsBefore);
    expect(await connectRefused(Number(new URL(tessera.url).port))).toBe(true);

    const code = await tessera.exit;
    const records = await load.ended;
    const summary = summariseDrain(records, signalAt);
    expect(code).toBe(0);
    // The load was real and straddled the signal.
    expect(summary.total).toBeGreaterThan(200);
    expect(summary.inFlightAtSignal).toBeGreaterThanOrEqual(25);
    expect(summary.failedInFlight).toEqual([]);
    // After the signal: answered (on a connection that was open), or refused (a new one). Nothing else.
    expect(summary.afterSignalOther).toEqual([]);

    const messages = tessera.entries.slice(logsBefore).map((e) => e.msg ?? '');
    const order = [
      'shutting down',
      'HTTP listener closed; new connections are refused, in-flight requests finish',
      'in-flight requests finished',
      'database pool closed',
      'PostgreSQL stopped',
      'stopped',
    ].map((step) => messages.findIndex((m) => m === step || m.startsWith(`${step} (`)));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const drained = tessera.entries.find((e) => e.msg === 'in-flight requests finished');
    expect(Number(drained?.in_flight)).toBeGreaterThan(0);
    expect(isProcessAlive(postmaster?.pid ?? 0)).toBe(false);
    expect(tessera.output.join('\n')).not.toMatch(/\n\s+at /);
  }, 240_000);
});
