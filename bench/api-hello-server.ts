// The baseline of `npm run bench`: a bare Express 5 app with two JSON routes, in its own process:
// GET /hello, and POST /echo, which parses a JSON body and answers it back with 201.
// Given BENCH_INSERT_DATABASE_URL (with BENCH_INSERT_SERVER_KEY in hex and BENCH_INSERT_USER_ID),
// a third, the create bench's Express + INSERT floor: POST /tokens parses the same JSON body as
// a token create, writes the row in one INSERT transaction (bench/token-row.ts) through a pg Pool
// of 10 connections and answers 201 with the row's values and its secret. No authentication,
// audit, idempotency or validation: what any Express API that stores the row must do at the least.
// Prints {"url": …} on one stdout line once listening; exits on SIGTERM or when stdin closes.
import express from 'express';
import { Pool } from 'pg';
import { insertTokenRow } from './token-row';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/hello', (_req, res) => {
  res.json({ message: 'hello' });
});

app.post('/echo', express.json(), (req, res) => {
  res.status(201).json(req.body as unknown);
});

const insertDatabase = process.env.BENCH_INSERT_DATABASE_URL;
const pool = insertDatabase ? new Pool({ connectionString: insertDatabase, max: 10, idleTimeoutMillis: 0 }) : null;
if (pool) {
  const serverKey = Buffer.from(process.env.BENCH_INSERT_SERVER_KEY ?? '', 'hex');
  const userId = process.env.BENCH_INSERT_USER_ID ?? '';
  app.post('/tokens', express.json(), async (req, res) => {
    // Its expiration_days is always 1, the one (a)'s statement writes.
    const body = req.body as { name: string };
    const { row, secret } = await insertTokenRow(pool, serverKey, userId, body.name);
    res.status(201).json({ ...row, token: secret });
  });
}

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
server.keepAliveTimeout = 65_000;
const stop = (): void => {
  server.close(() => {
    if (pool) void pool.end().finally(() => process.exit(0));
    else process.exit(0);
  });
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
