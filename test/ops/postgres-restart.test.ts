// `npm start` when its embedded PostgreSQL dies (kill -9 of the postmaster, as the OOM killer
// would): the launcher restarts it, requests meanwhile get a quick 503 with Retry-After (never a
// hang, never a 500), the API recovers by itself (its pool and its LISTEN connection), and when
// the server cannot come back the launcher stops with a clear message and exit code 1 (that case runs api/main.ts as a
// process manager would, without npm, whose own error report would follow).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive, sleep } from '../../api/db/embedded-postgres-os';
import { cleanUpTesseraProcesses, requestOnce, startTesseraProcess, type Reply } from '../support/tessera-process';

const STACK_FRAME = /\n\s+at /;

afterEach(() => cleanUpTesseraProcesses());

describe('npm start with the embedded PostgreSQL killed', () => {
  it('restarts PostgreSQL; meanwhile 503 + Retry-After within a bounded time; then 200 again with the LISTEN connection back', async () => {
    const tessera = await startTesseraProcess();
    const token = tessera.adminToken();
    const me = `${tessera.url}/api/v1/me`;
    expect((await requestOnce(me, { token })).status).toBe(200);
    const before = tessera.postmaster();
    expect(before).not.toBeNull();
    const logsBefore = tessera.entries.length;

    process.kill(before?.pid ?? 0, 'SIGKILL');
    const killedAt = Date.now();
    // A request or two may still be answered from the auth cache before the API notices; from
    // the first failure on, every answer until recovery is recorded.
    const replies: Array<Reply & { ms: number }> = [];
    let recoveredAfterMs: number | null = null;
    while (Date.now() - killedAt < 60_000) {
      const sent = Date.now();
      // A hang would show as this request's timeout (an error that fails the test).
      const reply = await requestOnce(me, { token, timeoutMs: 5_000 });
      if (reply.status === 200 && replies.length === 0) continue;
      replies.push({ ...reply, ms: Date.now() - sent });
      if (reply.status === 200) {
        recoveredAfterMs = Date.now() - killedAt;
        break;
      }
      await sleep(50);
    }
    const down = replies.filter((r) => r.status !== 200);
    expect(recoveredAfterMs).not.toBeNull();
    // While it was down: only 503s, each quick, with Retry-After and a problem document.
    expect(down.length).toBeGreaterThan(0);
    for (const reply of down) {
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toMatch(/^\d+$/);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.ms).toBeLessThan(3_000);
    }
    expect(recoveredAfterMs).toBeLessThan(30_000);

    const after = tessera.postmaster();
    expect(after?.pid).not.toBe(before?.pid);
    expect(after?.port).toBe(before?.port);
    expect(isProcessAlive(after?.pid ?? 0)).toBe(true);
    await tessera.waitForLog((e) => /^PostgreSQL exited unexpectedly \(SIGKILL\); restarting it/.test(e.msg ?? ''), 1_000, logsBefore);
    await tessera.waitForLog((e) => /^PostgreSQL restarted on 127\.0\.0\.1:\d+ \(attempt 1 of 5/.test(e.msg ?? ''), 1_000, logsBefore);
    // The cache-invalidation listener is back: a LISTEN session in the new server, and the log says so.
    await tessera.waitForLog((e) => e.msg === 'invalidation listener reconnected; auth cache enabled', 10_000, logsBefore);
    const listeners = await tessera.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'tessera-invalidation'",
    );
    expect(listeners[0]?.n).toBe(1);
    // Writes work again too (a token created, listed, revoked).
    const created = await requestOnce(`${tessera.url}/api/v1/personal-access-tokens`, {
      method: 'POST',
      token,
      body: { name: 'after the restart', expiration_days: 1 },
    });
    expect(created.status).toBe(201);

    const output = tessera.output.join('\n');
    expect(output).not.toMatch(STACK_FRAME);
    expect(output).not.toContain(token);
    // Ctrl-C (npm itself then ends by the signal): an orderly stop of the restarted server too.
    process.kill(-(tessera.child.pid ?? 0), 'SIGINT');
    await tessera.exit;
    const messages = tessera.entries.map((e) => e.msg ?? '');
    expect(messages.some((m) => m.startsWith('PostgreSQL stopped ('))).toBe(true);
    expect(messages.at(-1)).toBe('stopped');
    expect(isProcessAlive(after?.pid ?? 0)).toBe(false);
  }, 240_000);

  it('gives up after 5 failed restarts: logs each attempt, then exits 1 with a clear message', async () => {
    const tessera = await startTesseraProcess({ via: 'node' });
    const postmaster = tessera.postmaster();
    expect(postmaster).not.toBeNull();
    const logsBefore = tessera.entries.length;
    process.kill(postmaster?.pid ?? 0, 'SIGKILL');
    // Someone breaks the configuration meanwhile: every restart attempt fails at once.
    fs.appendFileSync(path.join(tessera.home, 'pg', 'postgresql.conf'), '\nthis line = is not = valid\n');
    const started = Date.now();
    expect(await tessera.exit).toBe(1);
    // 250 + 500 + 1000 + 2000 + 4000 ms of back-off plus five failed launches.
    expect(Date.now() - started).toBeLessThan(60_000);
    const messages = tessera.entries.slice(logsBefore).map((e) => e.msg ?? '');
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect(messages.some((m) => m.startsWith(`PostgreSQL restart attempt ${attempt} of 5 failed`))).toBe(true);
    }
    const fatal = tessera.entries.find((e) => e.msg === 'the embedded PostgreSQL is gone; stopping');
    expect(fatal?.reason).toMatch(
      /^PostgreSQL exited \(SIGKILL\) and could not be restarted in 5 attempts; last error: .*postgresql\.conf/s,
    );
    expect(messages.indexOf('the embedded PostgreSQL is gone; stopping')).toBeLessThan(messages.indexOf('shutting down'));
    expect(tessera.output.join('\n')).not.toMatch(STACK_FRAME);
  }, 240_000);
});
