// Keyset pagination behind an opaque page token (base64url of the last row's sort key), so
// pages stay stable while rows are added and no OFFSET scan grows with the page number.
import { z } from 'zod';
import { validationFailed, type FieldError } from './problem';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

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

function decodePageToken(token: string): string[] | null {
  if (token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Reads ?page_size and ?page_token. `validateKey` checks a decoded key has the shape the
 * listing expects (so a token from another listing is refused, not passed to SQL).
 */
export function parsePageRequest(query: Record<string, unknown>, validateKey: (key: string[]) => boolean): PageRequest {
  const errors: FieldError[] = [];
  let pageSize = DEFAULT_PAGE_SIZE;
  const rawSize = query['page_size'];
  if (rawSize !== undefined) {
    const text = typeof rawSize === 'string' ? rawSize : '';
    const value = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
      errors.push({ field: 'page_size', message: `must be an integer between 1 and ${MAX_PAGE_SIZE}` });
    } else pageSize = value;
  }
  let after: string[] | null = null;
  const rawToken = query['page_token'];
  if (rawToken !== undefined && rawToken !== '') {
    const key = typeof rawToken === 'string' ? decodePageToken(rawToken) : null;
    if (!key || !validateKey(key)) errors.push({ field: 'page_token', message: 'is not a page token from this listing' });
    else after = key;
  }
  if (errors.length > 0) throw validationFailed(errors);
  return { pageSize, after };
}

/** Given pageSize + 1 fetched rows, trims the extra one and derives the next page token. */
export function toPage<T>(rows: T[], pageSize: number, keyOf: (row: T) => string[]): Page<T> {
  if (rows.length <= pageSize) return { items: rows, nextPageToken: null };
  const items = rows.slice(0, pageSize);
  return { items, nextPageToken: encodePageToken(keyOf(items[items.length - 1] as T)) };
}

/** Validates a (created_at ISO, uuid) key, the sort key of most listings. */
export function isTimeIdKey(key: string[]): boolean {
  return (
    key.length === 2 &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/.test(key[0] as string) &&
    !Number.isNaN(Date.parse(key[0] as string)) &&
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key[1] as string)
  );
}

/** The (created_at, id) pair of a validated key, as SQL bindings. */
export function keyPair(after: string[]): [string, string] {
  return [after[0] ?? '', after[1] ?? ''];
}
