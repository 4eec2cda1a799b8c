// The building blocks of the contract's schemas: names, emails, roles, ids, timestamps. Their
// error messages are what a client reads in a 422's `errors[].message`, so they are part of
// the contract too.
import { z } from 'zod';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// Characters that render as nothing: white space, and the default-ignorable code points
// (zero-width spaces and joiners, word joiner, byte order mark, bidi marks, embeddings,
// overrides and isolates, soft hyphen, Hangul fillers). A name made only of these would show
// as blank in every list while still being "non-empty".
const INVISIBLE_ONLY = /^[\p{Default_Ignorable_Code_Point}\p{White_Space}]*$/u;

/** A display name: 1–100 characters after trimming, no control characters. */
export function nameSchema(maxLength = 100) {
  const message = `must be a string of 1 to ${maxLength} characters without control characters`;
  return z
    .string({ error: message })
    .transform((s) => s.trim())
    .refine(
      (s) => {
        const length = [...s].length;
        return length >= 1 && length <= maxLength;
      },
      { error: message },
    )
    .refine((s) => !CONTROL_CHARACTERS.test(s), { error: message })
    .refine((s) => s === '' || !INVISIBLE_ONLY.test(s), { error: 'must contain at least one visible character' })
    .meta({
      minLength: 1,
      maxLength,
      description: `1–${maxLength} characters after trimming (stored trimmed), no control characters, at least one visible (not only zero-width or bidi-control characters).`,
    });
}

export function integerInRange(min: number, max: number) {
  const message = `must be an integer between ${min} and ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that are not UUIDs cannot name anything, so they are plain 404s (not 422s). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/** A UUID a client sends in a body or query (lower- or upper-case; compared lower-cased). */
export const uuidInput = z
  .string({ error: 'must be a UUID' })
  .regex(uuidPattern, { error: 'must be a UUID' })
  .transform((s) => s.toLowerCase())
  .meta({ format: 'uuid' });

/**
 * A set of team ids a client sends: UUIDs, each at most once, at most `max` of them. Sent as
 * an array; the order carries no meaning.
 */
export function teamIdsSchema(max = 100) {
  return z
    .array(uuidInput, { error: 'must be an array of team ids' })
    .max(max, { error: `must hold at most ${max} team ids` })
    .refine((ids) => new Set(ids).size === ids.length, { error: 'must not name a team twice' })
    .meta({ uniqueItems: true, maxItems: max });
}

/** A UUID as the API writes it (responses). */
export const uuid = z.guid();

/** An RFC 3339 UTC timestamp as the API writes it. */
export const timestamp = z.iso.datetime().meta({ description: 'RFC 3339, UTC, with a Z.' });

export const emailSchema = z
  .string({ error: 'must be an email address' })
  .trim()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address' }))
  .transform((s) => s.toLowerCase())
  .meta({ format: 'email', description: 'Stored lower-cased; unique without regard to case.' });

export const ROLES = ['SysAdmin', 'Member', 'ReadOnly'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
