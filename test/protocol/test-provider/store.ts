/**
 * The test provider's "remote API": a JSON file named by TPT_STORE (or the provider's
 * `store_path`). Tests read it to check what the provider really did. Sync I/O keeps each
 * read-modify-write atomic within a provider process.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface StoredThing {
  /** The resource state as cty JSON (exact numbers). */
  state: string;
  /** How many times create/update ran (kept in private state too, to test round trips). */
  generation: number;
  /** The last write-only password received (never in Terraform state). */
  password: string | null;
  /** Private state seen by the last update/read, to prove the CLI round-trips it. */
  privateSeen: unknown;
}

export interface StoredTicket {
  name: string;
  value: string;
  opened: number;
  renewed: number;
  closed: number;
}

export interface StoreData {
  things: Record<string, StoredThing>;
  tickets: Record<string, StoredTicket>;
  nextId: number;
  /** Reasons the provider's onStop hook ran with, in order (absent until it first runs). */
  stops?: string[];
}

export class Store {
  constructor(readonly path: string) {}

  load(): StoreData {
    if (!existsSync(this.path)) return { things: {}, tickets: {}, nextId: 1 };
    return JSON.parse(readFileSync(this.path, 'utf8')) as StoreData;
  }

  update<T>(change: (data: StoreData) => T): T {
    const data = this.load();
    const result = change(data);
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2));
    renameSync(tmp, this.path);
    return result;
  }
}
