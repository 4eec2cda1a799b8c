// The API killed mid-create: 100 parallel creates, each with its own Idempotency-Key, against
// api/main.ts in its own process; kill -9 of that process once some of them were answered and
// the rest are in flight; a restart; then every key is sent again with the same body. Each key
// must end with exactly one token: answered creates are replayed (same id, same secret), creates
// that committed but whose answer was lost are replayed too, and creates that never committed
// are made now. A second retry replays the first.
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi, type TestUser } from '../support/api-server';

jest.setTimeout(120_000);

const TOKENS = '/api/v1/personal-access-tokens';
const CREATES = 100;
/** The kill comes once this many creates were answered: the rest are queued or in flight. */
const KILL_AFTER_ANSWERS = 25;

interface Attempt {
  status: number;
  id?: string;
  token?: string;
  replayed: boolean;
  failure?: string;
}

interface Key {
  key: string;
  body: { name: string; expiration_days: number; client_reference: string };
}

let api: TestApi;
let user: TestUser;

beforeAll(async () => {
  api = await startTestApi({ mode: 'process' });
  user = await api.createUserWithToken({ role: 'Member' });
});

afterAll(async () => {
  await api?.stop();
});

async function create(key: Key): Promise<Attempt> {
  try {
    const response = await fetch(`${api.url}${TOKENS}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json', 'idempotency-key': key.key },
      body: JSON.stringify(key.body),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await response.json()) as { id?: string; token?: string };
    return { status: response.status, id: json.id, token: json.token, replayed: response.headers.get('idempotent-replayed') === 'true' };
  } catch (error) {
    return { status: 0, replayed: false, failure: (error as Error).message };
  }
}

describe('the API killed mid-create', () => {
  it('leaves exactly one token per Idempotency-Key once every key is retried after the restart', async () => {
    const child = api.child!;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const keys: Key[] = Array.from({ length: CREATES }, (_, i) => ({
      key: randomUUID(),
      body: { name: `mid-create-${i}`, expiration_days: 1, client_reference: `mid-create-${randomUUID()}` },
    }));
    let answered = 0;
    let killedAfter = -1;
    const first = await Promise.all(
      keys.map(async (key) => {
        const attempt = await create(key);
        if (attempt.status === 201) answered += 1;
        if (answered >= KILL_AFTER_ANSWERS && killedAfter < 0) {
          killedAfter = answered;
          child.kill('SIGKILL');
        }
        return attempt;
      }),
    );
    await exited;
    await api.restart();

    const retry = await Promise.all(keys.map(create));
    const again = await Promise.all(keys.map(create));

    const acknowledged = keys.filter((_, i) => first[i]!.status === 201).length;
    const unanswered = keys.filter((_, i) => first[i]!.status === 0).length;
    const lostButCommitted = keys.filter((_, i) => first[i]!.status !== 201 && retry[i]!.replayed).length;
    const madeOnRetry = keys.filter((_, i) => first[i]!.status !== 201 && retry[i]!.status === 201 && !retry[i]!.replayed).length;
    const rows = await api.sql<{ client_reference: string; id: string; n: string }>(
      `SELECT client_reference, min(id::text) AS id, count(*) AS n FROM tokens
        WHERE user_id = $1 AND client_reference LIKE 'mid-create-%' GROUP BY client_reference`,
      [user.id],
    );
    const byReference = new Map(rows.map((r) => [r.client_reference, r]));
    console.log(
      `API kill -9 mid-create: ${CREATES} parallel creates, killed after ${killedAfter} answers; ` +
        `answered before the kill ${acknowledged}, unanswered ${unanswered}, ` +
        `committed but answer lost ${lostButCommitted}, never committed (made on retry) ${madeOnRetry}; ` +
        `tokens in the database ${rows.reduce((sum, r) => sum + Number(r.n), 0)} for ${CREATES} keys`,
    );

    // The kill really cut creates off.
    expect(unanswered).toBeGreaterThan(0);
    expect(acknowledged).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS);
    // Before the kill, only 201s (or no answer at all).
    expect(first.filter((a) => a.status !== 201 && a.status !== 0)).toEqual([]);
    keys.forEach((key, i) => {
      const [before, after, last] = [first[i]!, retry[i]!, again[i]!];
      expect(after).toMatchObject({ status: 201 });
      // An answered create is replayed: the same token, secret included.
      if (before.status === 201) expect(after).toMatchObject({ replayed: true, id: before.id, token: before.token });
      expect(last).toMatchObject({ status: 201, replayed: true, id: after.id, token: after.token });
      // Exactly one token carries the key's client_reference, and it is the one the retries return.
      expect(byReference.get(key.body.client_reference)).toEqual({ client_reference: key.body.client_reference, id: after.id, n: '1' });
    });
    expect(rows).toHaveLength(CREATES);
  });
});
