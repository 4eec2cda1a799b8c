// Checks of team, user and membership settings, phrased as diagnostics on the attribute so the
// CLI points at the offending line. They mirror what the API accepts and how it stores values
// (names trimmed, emails lower-cased), so a value the API would store differently fails the
// plan instead of showing a change on every later plan. Unknown values pass: validation runs
// again once they are known.
import { knownString } from '../../protocol/values/reader';
import type { CtyValue } from '../../protocol/cty/values';
import { path, type Diagnostics } from '../../protocol/diagnostics';
import type { Role } from '../../tessera/api-types';

export const ROLES: readonly Role[] = ['SysAdmin', 'Member', 'ReadOnly'];

const DISPLAY_NAME_MAX_LENGTH = 100;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What the API's email check needs at the least; the API has the last word on the rest.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A team or user display name: 1–100 characters, no control characters, no surrounding spaces. */
export function checkDisplayName(value: CtyValue | undefined, attribute: string, what: string, diagnostics: Diagnostics): void {
  const name = knownString(value);
  if (typeof name !== 'string') return;
  const summary = `Invalid ${what} ${attribute}`;
  if (name.trim().length === 0) {
    diagnostics.error(summary, `${attribute} must contain at least one character that is not white space.`, path(attribute));
  } else if (name !== name.trim()) {
    diagnostics.error(
      summary,
      `${attribute} must not start or end with white space: Tessera stores names trimmed, so "${name}" would be stored as "${name.trim()}" and every plan would show a change.`,
      path(attribute),
    );
  } else if ([...name].length > DISPLAY_NAME_MAX_LENGTH) {
    diagnostics.error(
      summary,
      `${attribute} must be at most ${DISPLAY_NAME_MAX_LENGTH} characters long (it has ${[...name].length}).`,
      path(attribute),
    );
  } else if (CONTROL_CHARACTERS.test(name)) {
    diagnostics.error(summary, `${attribute} must not contain control characters (newlines, tabs, …).`, path(attribute));
  }
}

export function checkRole(value: CtyValue | undefined, diagnostics: Diagnostics): void {
  const role = knownString(value);
  if (typeof role !== 'string') return;
  if (!(ROLES as readonly string[]).includes(role)) {
    diagnostics.error(
      'Invalid team role',
      `role is "${role}"; it must be one of ${ROLES.map((r) => `"${r}"`).join(', ')} (spelled exactly so).`,
      path('role'),
    );
  }
}

export function checkEmail(value: CtyValue | undefined, diagnostics: Diagnostics): void {
  const email = knownString(value);
  if (typeof email !== 'string') return;
  if (email !== email.trim() || !EMAIL_SHAPE.test(email) || email.length > 254) {
    diagnostics.error(
      'Invalid email',
      `email "${email}" is not an email address (name@example.com, at most 254 characters, no spaces).`,
      path('email'),
    );
  }
}

/** An id attribute that must be an API id (a UUID). */
export function checkId(value: CtyValue | undefined, attribute: string, what: string, diagnostics: Diagnostics): void {
  const id = knownString(value);
  if (typeof id !== 'string') return;
  if (!UUID.test(id)) {
    diagnostics.error(
      `Invalid ${attribute}`,
      `${attribute} must be the id of a ${what} (a UUID such as 0b5e1c3a-…), not "${id}".`,
      path(attribute),
    );
  }
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Emails compare without regard to case: Tessera stores them lower-cased. */
export function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The configured role as the API's type; validation already refused any other value. */
export function toRole(value: string): Role {
  const role = ROLES.find((r) => r === value);
  if (role === undefined) throw new Error(`role "${value}" passed validation`);
  return role;
}
