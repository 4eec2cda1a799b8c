// Cross-process cache invalidation through PostgreSQL LISTEN/NOTIFY on a dedicated connection.
// Writers call publishInvalidation inside their transaction, so the notification is delivered
// exactly when the change commits.
import { Client } from 'pg';
import type pino from 'pino';
import type { Queryable } from '../db/connection';
import { decodeInvalidation, encodeInvalidation, type AuthCache, type InvalidationMessage } from './cache';

export const INVALIDATION_CHANNEL = 'tessera_auth';

export async function publishInvalidation(db: Queryable, message: InvalidationMessage): Promise<void> {
  await db.raw('SELECT pg_notify(?, ?)', [INVALIDATION_CHANNEL, encodeInvalidation(message)]);
}

export interface InvalidationListenerOptions {
  databaseUrl: string;
  cache: AuthCache;
  logger: pino.Logger;
  /** How often to retry a lost connection, in ms (doubling up to 2 s). */
  retryDelayMs?: number;
}

export class InvalidationListener {
  private client: Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay: number;
  private connectedFlag = false;
  private lostOnce = false;
  readonly received: { count: number } = { count: 0 };

  constructor(private readonly options: InvalidationListenerOptions) {
    this.retryDelay = options.retryDelayMs ?? 100;
  }

  get connected(): boolean {
    return this.connectedFlag;
  }

  /** Resolves after the first attempt; on failure it keeps retrying in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'tessera-invalidation' });
    // Only the newest client counts: late events from a replaced one are ignored.
    this.client = client;
    client.on('notification', (message) => {
      this.received.count++;
      this.options.cache.apply(decodeInvalidation(message.payload));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped || this.client !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    this.connectedFlag = true;
    this.retryDelay = this.options.retryDelayMs ?? 100;
    if (this.lostOnce) this.options.logger.info('invalidation listener reconnected; auth cache enabled');
    // Anything cached before this point may have missed a notification.
    this.options.cache.setEnabled(true);
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    const wasConnected = this.connectedFlag;
    this.connectedFlag = false;
    this.options.cache.setEnabled(false);
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (wasConnected) {
      this.lostOnce = true;
      this.options.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'invalidation listener lost; auth cache disabled until it reconnects',
      );
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 2000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.options.cache.setEnabled(false);
    const client = this.client;
    this.client = null;
    this.connectedFlag = false;
    if (client) await client.end().catch(() => undefined);
  }
}
