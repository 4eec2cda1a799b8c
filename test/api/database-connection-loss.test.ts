// A database connection that dies in the middle of a transaction (the server was killed, a
// network dropped it) is the server's temporary trouble: 503 with Retry-After, like a refused
// connection, never a 500. pg reports such a loss as a plain Error without a code ("Client has
// encountered a connection error and is not queryable", "Connection terminated unexpectedly"),
// and knex reports the ROLLBACK that then fails on it.
import express from 'express';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { createKnex } from '../../api/db/connection';
import { errorHandler } from '../../api/http/errors';
import { createLogger } from '../../api/logger';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { request } from '../support/http-request';

let database: TestDatabase;
let server: Server;
let url: string;
const logLines: string[] = [];
/** What the route's transaction failed with, as the error handler received it. */
const failures: unknown[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const db = createKnex(database.url, { poolMax: 2 });
  const logger = createLogger({
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  const app = express();
  // A transaction whose connection is terminated by the server between two statements.
  app.post('/lose-connection', (_req, res, next) => {
    db.transaction(async (trx) => {
      const [row] = (await trx.raw('SELECT pg_backend_pid() AS pid')).rows as Array<{ pid: number }>;
      const killer = new Client({ connectionString: database.url });
      await killer.connect();
      await killer.query('SELECT pg_terminate_backend($1)', [row!.pid]);
      // Let the server's goodbye reach the client before the next statement.
      while ((await killer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [row!.pid])).rowCount !== 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await killer.end();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await trx.raw('SELECT 1');
      res.status(204).end();
    }).catch((error: unknown) => {
      failures.push(error);
      next(error);
    });
  });
  app.use(errorHandler(logger));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  server.on('close', () => void db.destroy());
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

describe('a database connection lost inside a transaction', () => {
  it('answers 503 problem+json with Retry-After, and logs no unexpected error', async () => {
    const response = await request(url, 'POST', '/lose-connection');
    // The failure really is the code-less kind this guards against.
    expect(failures).toHaveLength(1);
    const failure = failures[0] as { code?: unknown; message: string };
    expect(failure.code).toBeUndefined();
    expect(failure.message).toMatch(/not queryable|Connection terminated/);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.json).toMatchObject({ status: 503, detail: 'The service is temporarily unavailable; retry shortly.' });
    expect(logLines.join('')).not.toContain('unexpected error');
    expect(logLines.join('')).toContain('database unavailable');
  });
});
