// Checks of token settings shared by the resource and the ephemeral resource, phrased as
// diagnostics on the attribute so the CLI points at the offending line. Unknown values pass:
// validation runs again once they are known.
import { knownNumber, knownString } from '../../protocol/values/reader';
import type { ExpirationPolicy } from '../../tessera/provider-context';
import { FALLBACK_EXPIRATION_POLICY } from '../../tessera/provider-context';
import type { CtyValue } from '../../protocol/cty/values';
import { path, type Diagnostics } from '../../protocol/diagnostics';

export const NAME_MAX_LENGTH = 100;
export const ROTATE_BEFORE_MAX_DAYS = 29;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function checkName(value: CtyValue | undefined, diagnostics: Diagnostics, label = 'token name'): void {
  const name = knownString(value);
  if (typeof name !== 'string') return;
  const trimmed = name.trim();
  const summary = `Invalid ${label}`;
  if (trimmed.length === 0) {
    diagnostics.error(summary, 'name must contain at least one character that is not white space.', path('name'));
  } else if ([...trimmed].length > NAME_MAX_LENGTH) {
    diagnostics.error(summary, `name must be at most ${NAME_MAX_LENGTH} characters long (it has ${[...trimmed].length}).`, path('name'));
  } else if (CONTROL_CHARACTERS.test(name)) {
    diagnostics.error(summary, 'name must not contain control characters (newlines, tabs, …).', path('name'));
  }
}

export function checkExpirationDays(
  value: CtyValue | undefined,
  diagnostics: Diagnostics,
  policy: ExpirationPolicy = FALLBACK_EXPIRATION_POLICY,
): void {
  const days = knownNumber(value);
  if (days === null || days === undefined) return;
  const bounds = `${policy.min}–${policy.max}`;
  const origin = policy.source === 'server' ? "the server's token policy (GET /api/v1/token-policy)" : 'the default token policy';
  if (!Number.isInteger(days)) {
    diagnostics.error(
      'Invalid expiration_days',
      `expiration_days must be a whole number of days within ${bounds}.`,
      path('expiration_days'),
    );
  } else if (days < policy.min || days > policy.max) {
    diagnostics.error(
      'Invalid expiration_days',
      `expiration_days is ${days}, but ${origin} allows ${bounds} days.`,
      path('expiration_days'),
    );
  }
}

/** rotate_before_days: 0–29 (or `maxDays`) and below expiration_days, or the token would be replaced on every plan. */
export function checkRotateBeforeDays(
  value: CtyValue | undefined,
  expirationDays: CtyValue | undefined,
  diagnostics: Diagnostics,
  maxDays: number = ROTATE_BEFORE_MAX_DAYS,
): void {
  const days = knownNumber(value);
  if (days === null || days === undefined) return;
  if (!Number.isInteger(days) || days < 0 || days > maxDays) {
    diagnostics.error(
      'Invalid rotate_before_days',
      `rotate_before_days must be a whole number within 0–${maxDays}.`,
      path('rotate_before_days'),
    );
    return;
  }
  const expiration = knownNumber(expirationDays);
  if (typeof expiration === 'number' && Number.isInteger(expiration) && days >= expiration) {
    diagnostics.error(
      'Invalid rotate_before_days',
      `rotate_before_days (${days}) must be less than expiration_days (${expiration}); otherwise every new token is already due for rotation and each plan would replace it.`,
      path('rotate_before_days'),
    );
  }
}
