import { parseCtyType, type CtyType } from '../cty';

/** Throws when a type constraint would not survive the CLI's JSON parser (which panics on it). */
export function assertValidCtyType(type: CtyType): void {
  parseCtyType(JSON.stringify(type));
}
