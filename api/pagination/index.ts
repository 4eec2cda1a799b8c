// Keyset pagination behind an opaque page token (base64url of the last row's sort key), so
// pages stay stable while rows are added and no OFFSET scan grows with the page number. The
// query parameters themselves are validated by the contract (api/contract/pagination.ts).
import { z } from 'zod';

export interface PageRequest {
  pageSize: number;
  /** The sort key of the last row of the previous page, or null for the first page. */
  after: string[] | null;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

const cursorSchema = z.array(z.string().max(200)).min(1).max(4);

export function encodePageToken(key: string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a page token, or null when it is not one. */
export function decodePageToken(token: string): string[] | null {
  if (token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Given pageSize + 1 fetched rows, trims the extra one and derives the next page token. */
export function toPage<T>(rows: T[], pageSize: number, keyOf: (row: T) => string[]): Page<T> {
  if (rows.length <= pageSize) return { items: rows, nextPageToken: null };
  const items = rows.slice(0, pageSize);
  return { items, nextPageToken: encodePageToken(keyOf(items[items.length - 1] as T)) };
}

const KEY_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

/**
 * True for a timestamp that names a real instant PostgreSQL can store: Date.parse alone takes
 * February 30th (as March 2nd), hour 24 and year 0, which the database then refuses or reads as
 * another instant. The components must survive a round trip through a UTC date unchanged.
 */
function isKeyTime(value: string): boolean {
  const match = KEY_TIME.exec(value);
  if (match === null) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear puts them back.
  date.setUTCFullYear(year, month - 1, day);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** Validates a (created_at ISO, uuid) key, the sort key of most listings. */
export function isTimeIdKey(key: string[]): boolean {
  return (
    key.length === 2 &&
    isKeyTime(key[0] as string) &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key[1] as string)
  );
}

/** The (created_at, id) pair of a validated key, as SQL bindings. */
export function keyPair(after: string[]): [string, string] {
  return [after[0] ?? '', after[1] ?? ''];
}
