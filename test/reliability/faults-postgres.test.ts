// PostgreSQL killed under load: the API (api/main.ts in its own process) on a PostgreSQL of this
// test's own, a bounded mixed load of creates, lists, revokes and /me from a few clients, and a
// kill -9 of the postmaster in the middle. While the database is gone, clients may only see 2xx,
// 4xx, or 503 with Retry-After: no 500, no dropped connection, no request hanging past a bound.
// Once the database is started again on the same data directory, the API must serve within 5 s,
// and every create (201) and revoke (204) it acknowledged must be in the database.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { systemClock } from '../../api/clock';
import { createKnex } from '../../api/db/connection';
import { startApiChild, type ApiChild } from '../support/api-child';
import { createUserWithToken, type AdminDatabase } from '../support/test-users';
import { startOwnPostgres, type OwnPostgres } from './support/own-postgres';

jest.setTimeout(120_000);

const TOKENS = '/api/v1/personal-access-tokens';
/** A request that takes longer than this counts as a hang. */
const HANG_BOUND_MS = 15_000;
const WORKERS = 6;
/** Pause between one worker's requests: the load is bounded in rate as well as in time. */
const PAUSE_MS = 15;
const LOAD_BEFORE_KILL_MS = 2_000;
const DOWN_MS = 2_000;
const RECOVERY_BOUND_MS = 5_000;
const LOAD_AFTER_RECOVERY_MS = 1_500;

type Op = 'create' | 'list' | 'revoke' | 'me';

interface Outcome {
  op: Op;
  /** HTTP status, or 0 when no answer came (connection failed or the bound passed). */
  status: number;
  startedAt: number;
  endedAt: number;
  retryAfter: string | null;
  contentType: string | null;
  /** The token created (201) or revoked (204). */
  tokenId?: string;
  failure?: string;
}

let pg: OwnPostgres;
let api: ApiChild;
let pool: Pool;
const serverKey = randomBytes(32);
const logLines: string[] = [];

beforeAll(async () => {
  pg = await startOwnPostgres();
  api = await startApiChild({
    databaseUrl: pg.databaseUrl,
    serverKey,
    port: 0,
    logLevel: 'info',
    onLogLine: (line) => logLines.push(line),
  });
  pool = new Pool({ connectionString: pg.databaseUrl, max: 2 });
  pool.on('error', () => undefined); // idle clients die with the postmaster; the checks reconnect
});

afterAll(async () => {
  await api?.stop();
  await pool?.end().catch(() => undefined);
  await pg?.remove();
});

async function call(op: Op, token: string, path: string, method: string, body?: unknown): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_BOUND_MS),
    });
    const text = await response.text();
    const outcome: Outcome = {
      op,
      status: response.status,
      startedAt,
      endedAt: Date.now(),
      retryAfter: response.headers.get('retry-after'),
      contentType: response.headers.get('content-type'),
    };
    if (op === 'create' && response.status === 201) outcome.tokenId = (JSON.parse(text) as { id: string }).id;
    return outcome;
  } catch (error) {
    return { op, status: 0, startedAt, endedAt: Date.now(), retryAfter: null, contentType: null, failure: (error as Error).message };
  }
}

/** One client: creates, lists, revokes one of its own tokens, reads /me, until told to stop. */
async function worker(token: string, index: number, stopped: () => boolean, outcomes: Outcome[]): Promise<void> {
  const mine: string[] = [];
  for (let n = 0; !stopped(); n += 1) {
    const pick = (n + index) % 8;
    let outcome: Outcome;
    if (pick < 3) {
      outcome = await call('create', token, TOKENS, 'POST', { name: `load-${index}-${n}`, expiration_days: 1 });
      if (outcome.tokenId !== undefined) mine.push(outcome.tokenId);
    } else if (pick < 5) {
      outcome = await call('list', token, `${TOKENS}?page_size=20`, 'GET');
    } else if (pick < 7 && mine.length > 0) {
      const id = mine.shift()!;
      outcome = await call('revoke', token, `${TOKENS}/${id}`, 'DELETE');
      if (outcome.status === 204) outcome.tokenId = id;
      // An unanswered revoke is tried again later: the token may or may not be revoked.
      else if (outcome.status !== 404) mine.push(id);
    } else {
      outcome = await call('me', token, '/api/v1/me', 'GET');
    }
    outcomes.push(outcome);
    // A client honours Retry-After in spirit without stalling the measurement: a short pause.
    await new Promise((resolve) => setTimeout(resolve, outcome.status === 503 ? 100 : PAUSE_MS));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function table(outcomes: Outcome[]): string {
  const statuses = [...new Set(outcomes.map((o) => o.status))].sort((a, b) => a - b);
  const ops: Op[] = ['create', 'list', 'revoke', 'me'];
  const rows = ops.map((op) => [op, ...statuses.map((s) => String(outcomes.filter((o) => o.op === op && o.status === s).length))]);
  const header = ['op', ...statuses.map((s) => (s === 0 ? 'no answer' : String(s)))];
  return [header, ...rows].map((r) => r.map((c) => c.padStart(9)).join(' ')).join('\n');
}

describe('PostgreSQL killed under load', () => {
  it('answers only 2xx, 4xx or 503 + Retry-After, serves again within 5 s, and loses nothing it acknowledged', async () => {
    const knex = createKnex(pg.databaseUrl, { poolMax: 1 });
    const admin: AdminDatabase = { database: knex, serverKey, clock: systemClock };
    const users = await Promise.all([0, 1].map(() => createUserWithToken(admin, { role: 'Member' })));
    await knex.destroy();

    const outcomes: Outcome[] = [];
    let stop = false;
    const began = Date.now();
    const load = Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(users[i % users.length]!.token, i, () => stop, outcomes)));
    await sleep(LOAD_BEFORE_KILL_MS);
    const killedAt = Date.now();
    await pg.kill();
    await sleep(DOWN_MS);
    const restartAt = Date.now();
    await pg.start();
    const backAt = Date.now();
    // The load runs on until every kind of request has succeeded after the restart (or the bound passes).
    const servedAgain = (op: Op): Outcome | undefined => outcomes.find((o) => o.op === op && o.startedAt >= backAt && o.status < 300);
    while (Date.now() - backAt < RECOVERY_BOUND_MS + LOAD_AFTER_RECOVERY_MS) {
      if ((['create', 'list', 'revoke', 'me'] as Op[]).every((op) => servedAgain(op)) && Date.now() - backAt > LOAD_AFTER_RECOVERY_MS)
        break;
      await sleep(50);
    }
    stop = true;
    await load;
    const endedAt = Date.now();

    // The database's view: every acknowledged create exists, every acknowledged revoke holds.
    const created = outcomes.filter((o) => o.op === 'create' && o.status === 201).map((o) => o.tokenId!);
    const revoked = outcomes.filter((o) => o.op === 'revoke' && o.status === 204).map((o) => o.tokenId!);
    const rows = (
      await pool.query<{ id: string; revoked_at: Date | null }>('SELECT id, revoked_at FROM tokens WHERE id = ANY($1)', [created])
    ).rows;
    const stored = new Map(rows.map((r) => [r.id, r.revoked_at]));
    const lostCreates = created.filter((id) => !stored.has(id));
    const lostRevokes = revoked.filter((id) => stored.get(id) === null || !stored.has(id));
    // Creates that committed although the client got no 201 are allowed (the answer was lost); count them.
    const [{ count: rowsMade }] = (await pool.query<{ count: string }>("SELECT count(*) FROM tokens WHERE name LIKE 'load-%'")).rows as [
      { count: string },
    ];

    const fiveHundreds = outcomes.filter((o) => o.status >= 500 && o.status !== 503);
    const unavailable = outcomes.filter((o) => o.status === 503);
    const unanswered = outcomes.filter((o) => o.status === 0);
    const longest = Math.max(...outcomes.map((o) => o.endedAt - o.startedAt));
    const firstServed = (['create', 'list', 'revoke', 'me'] as Op[]).map((op) => [op, servedAgain(op)] as const);
    const recoveryMs = Math.max(...firstServed.map(([, o]) => (o === undefined ? Infinity : o.endedAt - backAt)));
    const unexpected = [...new Set(logLines.filter((l) => l.includes('unexpected error')).map((l) => l.trim()))];
    console.log(
      [
        `PostgreSQL kill -9 under load: ${outcomes.length} requests in ${endedAt - began} ms by ${WORKERS} clients; ` +
          `killed at +${killedAt - began} ms, restarted at +${restartAt - began} ms, ready at +${backAt - began} ms`,
        table(outcomes),
        `acknowledged creates ${created.length} (lost ${lostCreates.length}; tokens in the database ${rowsMade}); ` +
          `acknowledged revokes ${revoked.length} (lost ${lostRevokes.length})`,
        `503s ${unavailable.length}, other 5xx ${fiveHundreds.length}, unanswered ${unanswered.length}, longest request ${longest} ms, ` +
          `every kind of request served again ${recoveryMs} ms after the database was back`,
        ...unexpected.slice(0, 10),
      ].join('\n'),
    );

    // The database really went away, and the clients noticed.
    expect(unavailable.length).toBeGreaterThan(0);
    expect(fiveHundreds).toEqual([]);
    expect(unanswered).toEqual([]);
    expect(longest).toBeLessThan(HANG_BOUND_MS);
    for (const o of unavailable) {
      expect(o.retryAfter).toMatch(/^\d+$/);
      expect(o.contentType).toMatch(/^application\/problem\+json/);
    }
    const outsideContract = outcomes.filter(
      (o) => !(o.status >= 200 && o.status < 300) && !(o.status >= 400 && o.status < 500) && o.status !== 503,
    );
    expect(outsideContract).toEqual([]);
    expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    expect(created.length).toBeGreaterThan(20);
    expect(revoked.length).toBeGreaterThan(5);
    expect(lostCreates).toEqual([]);
    expect(lostRevokes).toEqual([]);
    // No request made the API log an unexpected error (a 500 in disguise).
    expect(logLines.filter((l) => l.includes('unexpected error'))).toEqual([]);
  });
});
