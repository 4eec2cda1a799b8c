// A bounded, mixed load on a running API: N keep-alive connections, each sending one request
// after another (read the caller, list tokens, create a token, revoke it), every request
// recorded with when it was sent and how it ended. Used by the shutdown test and by
// `npm run bench:drain`; loopback only.
import * as http from 'node:http';

export interface LoadRecord {
  kind: 'me' | 'list' | 'create' | 'revoke';
  /** Date.now() when the request was handed to the connection. */
  sentAt: number;
  doneAt: number;
  status?: number;
  /** The client-side error code (ECONNREFUSED, ECONNRESET …) when no response came. */
  error?: string;
}

export interface MixedLoad {
  readonly records: LoadRecord[];
  /** Stops sending and resolves once every loop has ended (each waits for its request in flight). */
  stop(): Promise<LoadRecord[]>;
  /** Resolves once every loop has ended on its own (each ends at its first connection error). */
  ended: Promise<LoadRecord[]>;
}

/** Normal answers: what each kind returns when all is well. */
export const NORMAL_STATUS: Record<LoadRecord['kind'], number> = { me: 200, list: 200, create: 201, revoke: 204 };

function send(
  agent: http.Agent,
  url: URL,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = text === '' ? null : JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(payload);
  });
}

export function startMixedLoad(options: { url: string; token: string; connections: number }): MixedLoad {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const records: LoadRecord[] = [];
  let stopped = false;

  async function loop(index: number): Promise<void> {
    let created: string | null = null;
    for (let i = index; !stopped; i += 1) {
      const kind: LoadRecord['kind'] = created !== null ? 'revoke' : (['me', 'list', 'create'] as const)[i % 3]!;
      const record: LoadRecord = { kind, sentAt: Date.now(), doneAt: 0 };
      records.push(record);
      try {
        const reply: { status: number; json: unknown } =
          kind === 'me'
            ? await send(agent, url, 'GET', '/api/v1/me', options.token)
            : kind === 'list'
              ? await send(agent, url, 'GET', '/api/v1/personal-access-tokens?limit=5', options.token)
              : kind === 'create'
                ? await send(agent, url, 'POST', '/api/v1/personal-access-tokens', options.token, {
                    name: `load ${index}-${i}`,
                    expiration_days: 1,
                  })
                : await send(agent, url, 'DELETE', `/api/v1/personal-access-tokens/${created}`, options.token);
        record.status = reply.status;
        if (kind === 'create' && reply.status === 201) created = String((reply.json as { id: string }).id);
        if (kind === 'revoke') created = null;
      } catch (error) {
        record.error = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        break; // the server is going away: this connection's loop ends
      } finally {
        record.doneAt = Date.now();
      }
    }
  }

  const ended = Promise.all(Array.from({ length: options.connections }, (_, i) => loop(i))).then(() => {
    agent.destroy();
    return records;
  });
  return {
    records,
    ended,
    stop: async () => {
      stopped = true;
      return ended;
    },
  };
}

export interface DrainSummary {
  /** Requests sent before the signal and answered after it: the ones a drain must not lose. */
  inFlightAtSignal: number;
  /** Requests sent before the signal that got no normal answer (the goal is 0). */
  failedInFlight: LoadRecord[];
  /** Requests sent after the signal: answered normally, or refused (a new connection). */
  afterSignalAnswered: number;
  afterSignalRefused: number;
  /** Requests sent after the signal that failed otherwise (reset on a connection being closed …). */
  afterSignalOther: LoadRecord[];
  total: number;
}

export function summariseDrain(records: LoadRecord[], signalAt: number): DrainSummary {
  const before = records.filter((r) => r.sentAt < signalAt);
  const after = records.filter((r) => r.sentAt >= signalAt);
  return {
    inFlightAtSignal: before.filter((r) => r.doneAt >= signalAt).length,
    failedInFlight: before.filter((r) => r.status !== NORMAL_STATUS[r.kind]),
    afterSignalAnswered: after.filter((r) => r.status === NORMAL_STATUS[r.kind]).length,
    afterSignalRefused: after.filter((r) => r.error === 'ECONNREFUSED').length,
    afterSignalOther: after.filter((r) => r.status !== NORMAL_STATUS[r.kind] && r.error !== 'ECONNREFUSED'),
    total: records.length,
  };
}
