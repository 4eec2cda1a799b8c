import { CtyError, type CtyPath } from './errors';
import { isCtyNumber } from './numbers';
import { ctyTypeEquals, objectType, type CtyType } from './types';
import { DynamicValue, isPlainObject, Unknown, type CtyValue } from './values';

/**
 * The most specific type a JS value can be read as, for wrapping it in a `DynamicValue`: arrays become tuples and
 * plain objects become objects (as cty's JSON type inference does), a Map becomes a map of its elements' common
 * type. null and unknowns say nothing and give `dynamic`. Throws `CtyError` for non-values or mixed-type Maps.
 */
export function impliedTypeOf(value: CtyValue, path: CtyPath = []): CtyType {
  if (value === null || value instanceof Unknown) return 'dynamic';
  if (value instanceof DynamicValue) return value.type;
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (isCtyNumber(value)) return 'number';
  if (Array.isArray(value)) return ['tuple', value.map((item, i) => impliedTypeOf(item, [...path, i]))];
  if (value instanceof Map) {
    let element: CtyType | undefined;
    for (const [key, item] of value) {
      const t = impliedTypeOf(item, [...path, key]);
      if (element === undefined || element === 'dynamic') element = t;
      else if (t !== 'dynamic' && !ctyTypeEquals(element, t)) throw new CtyError([...path, key], 'map elements have different types');
    }
    return ['map', element ?? 'dynamic'];
  }
  if (isPlainObject(value)) {
    return objectType(Object.fromEntries(Object.keys(value).map((k) => [k, impliedTypeOf(value[k] as CtyValue, [...path, k])])));
  }
  throw new CtyError(path, `${typeof value} is not a cty value`);
}
