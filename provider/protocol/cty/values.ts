import { BigDecimal, type CtyNumber } from './numbers';
import { nullObject, type CtyType } from './types';

/**
 * What Terraform knows about a value that is not known yet. Keys mirror go-cty's msgpack refinement map:
 * 1 notNull, 2 stringPrefix, 3/4 number bounds `[bound, inclusive]`, 5/6 collection length bounds (inclusive).
 */
export interface Refinements {
  notNull?: boolean;
  stringPrefix?: string;
  numberLower?: [CtyNumber, boolean];
  numberUpper?: [CtyNumber, boolean];
  lengthLower?: number;
  lengthUpper?: number;
}

/** A value that is not known yet ("known after apply"), with whatever refinements Terraform attached. */
export class Unknown {
  readonly refinements: Readonly<Refinements>;

  constructor(refinements: Refinements = {}) {
    const kept: Refinements = {};
    // Only keep keys that are set, so two unknowns with the same knowledge compare equal.
    // cty can only say "definitely not null" (a definitely-null unknown is a known null), and omits empty facts.
    if (refinements.notNull === true) kept.notNull = true;
    if (refinements.stringPrefix !== undefined && refinements.stringPrefix !== '') kept.stringPrefix = refinements.stringPrefix;
    if (refinements.numberLower !== undefined) kept.numberLower = [refinements.numberLower[0], refinements.numberLower[1]];
    if (refinements.numberUpper !== undefined) kept.numberUpper = [refinements.numberUpper[0], refinements.numberUpper[1]];
    if (refinements.lengthLower !== undefined && refinements.lengthLower !== 0) kept.lengthLower = refinements.lengthLower;
    if (refinements.lengthUpper !== undefined) kept.lengthUpper = refinements.lengthUpper;
    this.refinements = Object.freeze(kept);
  }

  get isRefined(): boolean {
    return Object.keys(this.refinements).length > 0;
  }
}

/** A wholly unknown value with no refinements (what a computed attribute is planned as). */
export const UNKNOWN: Unknown = new Unknown();

/** A value of a `dynamic`-typed slot whose concrete type is carried along. Dynamic null is `null`, dynamic unknown is `Unknown`. */
export class DynamicValue {
  constructor(
    readonly type: CtyType,
    readonly value: CtyValue,
  ) {}
}

/** An object value: a null-prototype record of every attribute of its type. */
export type CtyObject = { [attr: string]: CtyValue };

export type CtyValue = null | Unknown | string | boolean | CtyNumber | CtyValue[] | Map<string, CtyValue> | CtyObject | DynamicValue;

/** Builds an object value safely (no prototype, so `__proto__` or `constructor` are plain attributes). */
export function ctyObject(attributes: Iterable<readonly [string, CtyValue]> | Record<string, CtyValue>): CtyObject {
  const obj = nullObject<CtyValue>();
  const entries =
    Symbol.iterator in attributes
      ? (attributes as Iterable<readonly [string, CtyValue]>)
      : ownEntries(attributes as Record<string, CtyValue>);
  // On a null-prototype object `__proto__` is an ordinary key (the accessor lives on Object.prototype), so plain assignment is safe.
  for (const [name, value] of entries) obj[name] = value;
  return obj;
}

function ownEntries(record: Record<string, CtyValue>): [string, CtyValue][] {
  return Object.keys(record).map((k) => [k, record[k] as CtyValue]);
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

export function isNullOrUnknown(value: CtyValue | undefined): value is null | Unknown {
  return value === null || value === undefined || value instanceof Unknown;
}

/** True if no unknown appears anywhere inside (what new_state, state and data-source results must be). */
export function isWhollyKnown(value: CtyValue): boolean {
  if (value === null) return true;
  if (value instanceof Unknown) return false;
  if (value instanceof DynamicValue) return isWhollyKnown(value.value);
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (value instanceof Map) {
    for (const v of value.values()) if (!isWhollyKnown(v)) return false;
    return true;
  }
  if (isPlainObject(value)) return Object.keys(value).every((k) => isWhollyKnown(value[k] as CtyValue));
  return true;
}

/** A record used as a cty object value (not an array, Map, Unknown, DynamicValue or BigDecimal). */
export function isPlainObject(value: unknown): value is CtyObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === null || proto === Object.prototype;
}

export { BigDecimal };
