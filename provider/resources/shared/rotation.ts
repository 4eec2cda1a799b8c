// The plan-time part of rotating a managed token (a personal access token, or a service
// account and its token): once `rotate_before_days` before `expires_at` is reached, the plan
// replaces the resource; otherwise a token in its last days draws a warning. One copy for every
// resource with `rotate_before_days`, so they rotate alike.
import { UNKNOWN, type CtyValue } from '../../protocol/cty/values';
import { path, type AttributePath, type Diagnostics } from '../../protocol/diagnostics';
import { knownNumber } from '../../protocol/values/reader';
import { describeFromNow, EXPIRY_WARNING_DAYS, expiresSoon, rotationDue } from '../../tessera/token-lifecycle';

export interface RotationPlan<K extends string> {
  /** The planned state, changed in place when the resource is replaced. */
  planned: Record<K, unknown>;
  requiresReplace: AttributePath[];
  diagnostics: Diagnostics;
}

export interface RotationSubject<K extends string> {
  /** "Personal access token", "Service account token": the start of the warning's summary. */
  noun: string;
  name: string;
  id: string;
  expiresAt: string;
  /** The configured rotate_before_days (may be unknown or null). */
  rotateBeforeDays: CtyValue | undefined;
  /** The attributes a new object gets on create: planned as unknown when it is replaced. */
  computedOnCreate: readonly K[];
  /** The attribute the expiry warning points at. */
  warnAt: string;
}

/**
 * Replaces the resource when its rotation window has opened (returns 'replace'); else warns
 * when the token expires within the warning window ('keep'), unless rotate_before_days is not
 * known yet ('undecided': the apply-time plan decides).
 */
export function planRotation<K extends string>(
  plan: RotationPlan<K>,
  subject: RotationSubject<K>,
  now: number = Date.now(),
): 'replace' | 'keep' | 'undecided' {
  const rotateBefore = knownNumber(subject.rotateBeforeDays);
  if (rotateBefore !== undefined && rotationDue(subject.expiresAt, rotateBefore, now)) {
    // Replacement needs a changed value at the flagged path: the new object's computed
    // attributes are unknown, so expires_at changes and the CLI replaces the resource.
    for (const name of subject.computedOnCreate) plan.planned[name] = UNKNOWN;
    plan.requiresReplace.push(path('expires_at'));
    return 'replace';
  }
  if (rotateBefore === undefined) return 'undecided';
  if (expiresSoon(subject.expiresAt, now)) {
    plan.diagnostics.warning(
      `${subject.noun} expires ${describeFromNow(subject.expiresAt, now)}`,
      `The token "${subject.name}" (id ${subject.id}) expires at ${subject.expiresAt}, within ${EXPIRY_WARNING_DAYS} days, and this plan does not replace it. ` +
        'Set rotate_before_days (with lifecycle { create_before_destroy = true }) to rotate it automatically, or replace it now with terraform apply -replace=ADDRESS.',
      path(subject.warnAt),
    );
  }
  return 'keep';
}
