// Reads configuration values in the three states Terraform sends them: known, null, unknown.
import { Unknown, type CtyValue } from '../protocol/cty/values';
import type { ConfigString } from './settings';

/** A string attribute as `string`, null when unset, undefined when not known yet. */
export function configString(value: CtyValue | undefined): ConfigString {
  if (value === null || value === undefined) return null;
  if (value instanceof Unknown) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * A number attribute as a JS number, null when unset, undefined when not known yet.
 * Big or fractional-decimal numbers come back as NaN so range checks reject them.
 */
export function configNumber(value: CtyValue | undefined): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (value instanceof Unknown) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.NaN;
  return Number.NaN;
}
