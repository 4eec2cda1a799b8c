import { CtyError, type CtyPath } from './errors';
import { isCtyNumber, type CtyNumber } from './numbers';
import { friendlyTypeName, objectAttributeNames, type CtyObjectType, type CtyType } from './types';
import { DynamicValue, isPlainObject, Unknown, type CtyValue } from './values';

/** How one output format writes each kind of value; `encodeValue` does the type checking for all formats. */
export interface EncodeTarget<T> {
  null(): T;
  unknown(value: Unknown, type: CtyType, path: CtyPath): T;
  string(value: string, path: CtyPath): T;
  bool(value: boolean): T;
  number(value: CtyNumber, path: CtyPath): T;
  sequence(items: T[]): T;
  /** Map entries in the Map's order. */
  map(entries: [string, T][]): T;
  /** Object attributes in cty's (sorted) order, every attribute present. */
  object(entries: [string, T][]): T;
  dynamic(type: CtyType, inner: T): T;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Walks `value` as a value of `type`, throwing `CtyError` (with path) where it does not conform. */
export function encodeValue<T>(value: CtyValue, type: CtyType, path: CtyPath, target: EncodeTarget<T>): T {
  if (value === undefined) throw new CtyError(path, 'undefined is not a value (use null)');
  if (type === 'dynamic') return encodeDynamic(value, path, target);
  if (value === null) return target.null();
  if (value instanceof Unknown) return target.unknown(value, type, path);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return mismatch(path, 'a string', type);
      if (LONE_SURROGATE.test(value)) throw new CtyError(path, 'string is not valid Unicode (lone surrogate)');
      return target.string(value, path);
    case 'bool':
      return typeof value === 'boolean' ? target.bool(value) : mismatch(path, 'a boolean', type);
    case 'number':
      return isCtyNumber(value) ? target.number(value, path) : mismatch(path, 'a number, bigint or BigDecimal', type);
  }
  switch (type[0]) {
    case 'list':
    case 'set':
      if (!Array.isArray(value)) return mismatch(path, 'an array', type);
      return target.sequence(value.map((item, i) => encodeValue(item, type[1], [...path, i], target)));
    case 'tuple': {
      const types = type[1];
      if (!Array.isArray(value)) return mismatch(path, 'an array', type);
      if (value.length !== types.length) throw new CtyError(path, `a tuple of length ${types.length} is required (${value.length} given)`);
      return target.sequence(value.map((item, i) => encodeValue(item, types[i] as CtyType, [...path, i], target)));
    }
    case 'map': {
      if (!(value instanceof Map)) return mismatch(path, 'a Map', type);
      const entries: [string, T][] = [];
      for (const [key, item] of value) {
        if (typeof key !== 'string') throw new CtyError(path, 'map keys must be strings');
        entries.push([key, encodeValue(item, type[1], [...path, key], target)]);
      }
      return target.map(entries);
    }
    case 'object':
      if (!isPlainObject(value)) return mismatch(path, 'a plain object', type);
      return target.object(objectEntries(value, type, path, target));
  }
}

function objectEntries<T>(value: { [attr: string]: CtyValue }, type: CtyObjectType, path: CtyPath, target: EncodeTarget<T>): [string, T][] {
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(type[1], key)) throw new CtyError([...path, key], 'unsupported attribute');
  }
  return objectAttributeNames(type).map((name) => {
    if (!Object.hasOwn(value, name))
      throw new CtyError([...path, name], 'attribute is missing (every attribute must be present; use null)');
    return [name, encodeValue(value[name] as CtyValue, type[1][name] as CtyType, [...path, name], target)];
  });
}

function encodeDynamic<T>(value: CtyValue, path: CtyPath, target: EncodeTarget<T>): T {
  if (value === null) return target.null();
  if (value instanceof Unknown) return target.unknown(value, 'dynamic', path);
  if (!(value instanceof DynamicValue))
    throw new CtyError(path, 'a DynamicValue (value with its type) is required for a value of dynamic type');
  if (value.type === 'dynamic') return encodeDynamic(value.value, path, target);
  return target.dynamic(value.type, encodeValue(value.value, value.type, path, target));
}

function mismatch(path: CtyPath, what: string, type: CtyType): never {
  throw new CtyError(path, `${what} is required for a value of type ${friendlyTypeName(type)}`);
}
