/**
 * Typed access to cty object values (config, plan, state) for provider code. Every getter
 * names the attribute in the error it throws (a DiagnosticError with the attribute path), so a
 * wrong assumption in a resource becomes a clear diagnostic instead of a TypeError.
 */
import { Unknown, type CtyValue } from '../cty';
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
