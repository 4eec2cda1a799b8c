/**
 * The one value reader for provider code. With a typed schema (see ../schema/model) most
 * reads are plain property reads (`config.name` is a `string`); what is left is here:
 *
 * - `known(v)`, `knownString(v)`, `knownNumber(v)`: a value in the three states Terraform
 *   sends it (set, null, not known yet) as `T`, `null` or `undefined`, for validate and plan
 *   code that must let unknown values pass;
 * - `toJsNumber(n)`: a cty number as a JS number (NaN when no double holds it exactly);
 * - `ObjectReader` (`read(value)`): checked getters for untyped `CtyObject`s, whose errors
 *   are diagnostics naming the attribute, so a wrong assumption is not a TypeError.
 */
import { BigDecimal, Unknown, type CtyNumber, type CtyValue } from '../cty';
import { DiagnosticError, error, type AttributePath, type PathStep } from '../diagnostics';
import type { CtyObject } from '../definition';

export class ObjectReader {
  constructor(
    readonly value: CtyObject,
    readonly at: AttributePath = [],
  ) {}

  private path(name: string): AttributePath {
    return [...this.at, { attribute: name }];
  }

  private fail(name: string, expected: string): never {
    throw new DiagnosticError(
      error('Unexpected attribute value', `The provider expected ${expected} for this attribute.`, this.path(name)),
    );
  }

  /** The raw cty value; throws when the attribute is not in the schema. */
  raw(name: string): CtyValue {
    if (!Object.prototype.hasOwnProperty.call(this.value, name)) {
      throw new DiagnosticError(
        error('Unknown attribute', `The provider asked for attribute "${name}", which its schema does not define.`, this.path(name)),
      );
    }
    return this.value[name] as CtyValue;
  }

  isNull(name: string): boolean {
    return this.raw(name) === null;
  }

  isUnknown(name: string): boolean {
    return this.raw(name) instanceof Unknown;
  }

  /** Known and not null. */
  isSet(name: string): boolean {
    const v = this.raw(name);
    return v !== null && !(v instanceof Unknown);
  }

  string(name: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string') this.fail(name, 'a known, non-null string');
    return v;
  }

  optionalString(name: string): string | undefined {
    const v = this.raw(name);
    if (v === null) return undefined;
    if (typeof v !== 'string') this.fail(name, 'a known string or null');
    return v;
  }

  bool(name: string): boolean {
    const v = this.raw(name);
    if (typeof v !== 'boolean') this.fail(name, 'a known, non-null bool');
    return v;
  }

  optionalBool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(name, 'a known bool or null');
    return v;
  }

  /** A number that fits a JS number exactly; big or non-representable numbers are an error. */
  number(name: string): number {
    const v = this.raw(name);
    if (typeof v !== 'number') this.fail(name, 'a known number that fits a JavaScript number');
    return v;
  }

  optionalNumber(name: string): number | undefined {
    const v = this.raw(name);
    if (v === null) return undefined;
    if (typeof v !== 'number') this.fail(name, 'a known number (fitting a JavaScript number) or null');
    return v;
  }

  /** A whole number within the safe integer range. */
  integer(name: string): number {
    const v = this.number(name);
    if (!Number.isSafeInteger(v)) this.fail(name, 'a whole number');
    return v;
  }

  optionalInteger(name: string): number | undefined {
    const v = this.optionalNumber(name);
    if (v !== undefined && !Number.isSafeInteger(v)) this.fail(name, 'a whole number');
    return v;
  }

  /** A nested object (single nested attribute or block); undefined when null. */
  object(name: string): ObjectReader | undefined {
    const v = this.raw(name);
    if (v === null) return undefined;
    if (!isPlainObject(v)) this.fail(name, 'a known object');
    return new ObjectReader(v, this.path(name));
  }

  /** List or set elements (for sets the order is meaningless); [] when null. */
  list(name: string): CtyValue[] {
    const v = this.raw(name);
    if (v === null) return [];
    if (!Array.isArray(v)) this.fail(name, 'a known list or set');
    return v;
  }

  /** Readers for each object of a list/set of nested objects. */
  objects(name: string): ObjectReader[] {
    return this.list(name).map((element, index) => {
      const at: AttributePath = [...this.path(name), { index } as PathStep];
      if (!isPlainObject(element)) {
        throw new DiagnosticError(error('Unexpected attribute value', 'The provider expected a known object here.', at));
      }
      return new ObjectReader(element, at);
    });
  }

  stringList(name: string): string[] {
    return this.list(name).map((element, index) => {
      if (typeof element !== 'string') {
        throw new DiagnosticError(
          error('Unexpected attribute value', 'The provider expected known strings here.', [...this.path(name), { index }]),
        );
      }
      return element;
    });
  }

  /** A map of strings; {} when null. */
  stringMap(name: string): Record<string, string> {
    const v = this.raw(name);
    if (v === null) return {};
    if (!(v instanceof Map)) this.fail(name, 'a known map');
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, element] of v) {
      if (typeof element !== 'string') {
        throw new DiagnosticError(
          error('Unexpected attribute value', 'The provider expected known strings here.', [...this.path(name), { key: k }]),
        );
      }
      out[k] = element;
    }
    return out;
  }
}

export function isPlainObject(v: CtyValue | undefined): v is CtyObject {
  if (v === null || v === undefined || typeof v !== 'object') return false;
  if (Array.isArray(v) || v instanceof Map || v instanceof Unknown) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

export function read(value: CtyObject): ObjectReader {
  return new ObjectReader(value);
}

/** A value as `T`, or `undefined` while it is not known yet (null stays null). */
export function known<V>(value: V | Unknown): V | undefined {
  return value instanceof Unknown ? undefined : value;
}

/** A cty number as a JS number; NaN for numbers no double holds exactly (big or decimal). */
export function toJsNumber(value: CtyNumber): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : Number.NaN;
  if (value instanceof BigDecimal) return Number.NaN;
  return Number.NaN;
}

/** A string attribute: the string, null when unset (or not a string), undefined when unknown. */
export function knownString(value: CtyValue | undefined): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (value instanceof Unknown) return undefined;
  return typeof value === 'string' ? value : null;
}

/**
 * A number attribute as a JS number, null when unset, undefined when unknown. Numbers no
 * double holds exactly come back as NaN, so range checks reject them.
 */
export function knownNumber(value: CtyValue | undefined): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (value instanceof Unknown) return undefined;
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof BigDecimal) return toJsNumber(value);
  return Number.NaN;
}
