// TESSERA_WORKERS=2: two API processes share one port (node:cluster), each with its own auth
// cache and LISTEN connection; the primary owns PostgreSQL and the migrations. A token revoked
// through one worker is refused by the other within 100 ms, a killed worker is replaced, and
// SIGTERM drains both before PostgreSQL stops.
import { isProcessAlive, sleep } from '../../api/db/embedded-postgres-os';
import { cleanUpTesseraProcesses, requestOnce, startTesseraProcess, type LogEntry } from '../support/tessera-process';

afterEach(() => cleanUpTesseraProcesses());

const isWorkerListening = (e: LogEntry): boolean => e.msg === 'worker listening';

describe('TESSERA_WORKERS=2', () => {
  it('serves from both workers, propagates a revocation across them within 100 ms, replaces a killed worker, and drains both on SIGTERM', async () => {
    const tessera = await startTesseraProcess({ via: 'node', env: { TESSERA_WORKERS: '2' } });
    const listening = tessera.entries.filter(isWorkerListening);
    expect(listening).toHaveLength(2);
    const pids = listening.map((e) => Number(e.pid));
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(tessera.child.pid);
    // Migrations and the bootstrap ran once, in the primary.
    expect(tessera.entries.filter((e) => e.msg === 'database migrations applied')).toHaveLength(1);
    expect(tessera.entries.filter((e) => e.msg?.startsWith('bootstrap admin created'))).toHaveLength(1);
    // Each worker has its own LISTEN connection.
    const listeners = await tessera.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tessera-invalidation'",
    );
    expect(listeners[0]?.n).toBe(2);

    const admin = tessera.adminToken();
    const created = await requestOnce(`${tessera.url}/api/v1/personal-access-tokens`, {
      method: 'POST',
      token: admin,
      body: { name: 'seen by both workers', expiration_days: 1 },
    });
    expect(created.status).toBe(201);
    const { id, token } = JSON.parse(created.body) as { id: string; token: string };
    const me = `${tessera.url}/api/v1/me`;

    // Use the token until both workers have answered with it (each then holds it in its cache),
    // and keep using it so both caches stay warm up to the revocation.
    const byWorker = new Map<string, number>();
    for (let i = 0; i < 200 && byWorker.size < 2; i += 1) {
      const reply = await requestOnce(me, { token });
      expect(reply.status).toBe(200);
      const worker = String(reply.headers['x-tessera-worker']);
      byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
    }
    expect([...byWorker.keys()].sort()).toEqual(['1', '2']);

    let revokedAt = 0;
    let polling = true;
    const samples: Array<{ sentAt: number; worker: string; status: number }> = [];
    const poller = (async () => {
      while (polling) {
        const sentAt = Date.now();
        const reply = await requestOnce(me, { token });
        samples.push({ sentAt, worker: String(reply.headers['x-tessera-worker']), status: reply.status });
        // Once revoked, every request is a failed authentication: few enough to stay under the
        // per-address failure limit, so the admin's requests below are not slowed down.
        if (revokedAt > 0) await sleep(50);
      }
    })();
    await sleep(300);
    const revoke = await requestOnce(`${tessera.url}/api/v1/personal-access-tokens/${id}`, { method: 'DELETE', token: admin });
    revokedAt = Date.now();
    expect(revoke.status).toBe(204);
    const revokedBy = String(revoke.headers['x-tessera-worker']);
    const other = revokedBy === '1' ? '2' : '1';
    await sleep(700);
    polling = false;
    await poller;

    // Before the revocation, both workers accepted the token (from their caches).
    expect(samples.some((s) => s.sentAt < revokedAt && s.worker === other && s.status === 200)).toBe(true);
    // From 100 ms after the revocation's answer, every request is refused (401), whichever worker serves it.
    const late = samples.filter((s) => s.sentAt >= revokedAt + 100);
    expect(late.filter((s) => s.worker === other).length).toBeGreaterThan(0);
    expect(late.filter((s) => s.status !== 401)).toEqual([]);

    // A worker killed outright is replaced; the other one serves meanwhile.
    const victim = pids[0] as number;
    const logsBefore = tessera.entries.length;
    process.kill(victim, 'SIGKILL');
    // (A connection the primary hands to the worker in the moment before it learns of the death
    // is lost with it: node:cluster's round-robin cannot take it back. So the request is sent
    // once the primary has noticed.)
    await tessera.waitForLog(
      (e) => e.msg === 'API worker exited unexpectedly; starting a replacement' && e.pid === victim,
      10_000,
      logsBefore,
    );
    expect((await requestOnce(me, { token: admin })).status).toBe(200);
    const replacement = await tessera.waitForLog(isWorkerListening, 60_000, logsBefore);
    expect(replacement.pid).not.toBe(victim);
    const workersSeen = new Set<string>();
    for (let i = 0; i < 50 && workersSeen.size < 2; i += 1) {
      const reply = await requestOnce(me, { token: admin });
      expect(reply.status).toBe(200);
      workersSeen.add(String(reply.headers['x-tessera-worker']));
    }
    expect(workersSeen.size).toBe(2);
    expect(workersSeen.has(String(replacement.worker))).toBe(true);

    // SIGTERM: both workers drain, then the primary stops PostgreSQL.
    const postmaster = tessera.postmaster();
    const stopAt = tessera.entries.length;
    tessera.child.kill('SIGTERM');
    expect(await tessera.exit).toBe(0);
    const messages = tessera.entries.slice(stopAt).map((e) => e.msg ?? '');
    expect(messages.filter((m) => m === 'worker stopped')).toHaveLength(2);
    const lastWorkerStopped = messages.lastIndexOf('worker stopped');
    expect(lastWorkerStopped).toBeLessThan(messages.indexOf('API workers stopped'));
    expect(messages.indexOf('API workers stopped')).toBeLessThan(messages.findIndex((m) => m.startsWith('PostgreSQL stopped (')));
    expect(isProcessAlive(postmaster?.pid ?? 0)).toBe(false);
    for (const pid of [...pids, Number(replacement.pid)]) expect(isProcessAlive(pid)).toBe(false);
    expect(tessera.output.join('\n')).not.toMatch(/\n\s+at /);
  }, 240_000);

  it('refuses a TESSERA_WORKERS that is not a count or auto', async () => {
    await expect(startTesseraProcess({ via: 'node', env: { TESSERA_WORKERS: 'many' } })).rejects.toThrow(
      /TESSERA_WORKERS: must be a whole number from 1 to 64, or auto/,
    );
  }, 60_000);
});
