// zod at the edge: every body, query and header a handler reads goes through here, and every
// failure becomes one 422 naming all bad fields.
import { z } from 'zod';
import { validationFailed, type FieldError } from './problem';

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], root = 'body'): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: [...issue.path, key].join('.'), message: 'is not a known field' });
      continue;
    }
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
    errors.push({ field, message: issue.message });
  }
  return errors;
}

export function parseOrProblem<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(issuesToFieldErrors(parsed.error.issues, root));
  return parsed.data;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A display name: 1–100 characters after trimming, no control characters. */
export function nameSchema(maxLength = 100): z.ZodType<string> {
  const message = `must be a string of 1 to ${maxLength} characters without control characters`;
  return z
    .string({ error: message })
    .transform((s) => s.trim())
    .refine((s) => {
      const length = [...s].length;
      return length >= 1 && length <= maxLength;
    }, { error: message })
    .refine((s) => !CONTROL_CHARACTERS.test(s), { error: message });
}

export function integerInRange(min: number, max: number): z.ZodType<number> {
  const message = `must be an integer between ${min} and ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that are not UUIDs cannot name anything, so they are plain 404s (not 422s). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

export const emailSchema = z
  .string({ error: 'must be an email address' })
  .trim()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address' }))
  .transform((s) => s.toLowerCase());

export const ROLES = ['SysAdmin', 'Member', 'ReadOnly'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
