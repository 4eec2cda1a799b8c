import { CtyError } from './errors';
import { isCtyNumber, numberKey } from './numbers';
import { compareCodePoints, ctyTypeToJsonString, objectAttributeNames, type CtyType } from './types';
import { DynamicValue, isPlainObject, isWhollyKnown, Unknown, type CtyValue, type Refinements } from './values';

/**
 * Type-directed value equality: numbers compare by value across representations, sets and maps ignore order,
 * unknowns are equal when they carry the same refinements. Values that do not conform to `type` are unequal.
 */
export function ctyEquals(a: CtyValue, b: CtyValue, type: CtyType): boolean {
  try {
    return valueKey(a, type) === valueKey(b, type);
  } catch (err) {
    if (err instanceof CtyError) return false;
    throw err;
  }
}

/** Removes known duplicates from set elements, as cty's set constructor does (unknowns are never equal to anything). */
export function dedupeSetElements(elements: CtyValue[], elementType: CtyType): CtyValue[] {
  const seen = new Set<string>();
  return elements.filter((element) => {
    if (!isWhollyKnown(element)) return true;
    const key = valueKey(element, elementType);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A canonical string per value (given its type); equal values get equal keys. Throws `CtyError` on non-conforming values. */
export function valueKey(value: CtyValue, type: CtyType): string {
  if (value === null) return 'n';
  if (value instanceof Unknown) return `u${refinementKey(value.refinements)}`;
  if (type === 'dynamic') {
    if (!(value instanceof DynamicValue)) return nonConforming(type);
    return `d${ctyTypeToJsonString(value.type)}:${valueKey(value.value, value.type)}`;
  }
  if (type === 'string') return typeof value === 'string' ? `s${JSON.stringify(value)}` : nonConforming(type);
  if (type === 'bool') return typeof value === 'boolean' ? (value ? 't' : 'f') : nonConforming(type);
  if (type === 'number') return isCtyNumber(value) ? `#${numberKey(value)}` : nonConforming(type);
  switch (type[0]) {
    case 'list':
      return Array.isArray(value) ? `[${value.map((v) => valueKey(v, type[1])).join(',')}]` : nonConforming(type);
    case 'set':
      return Array.isArray(value)
        ? `{${value
            .map((v) => valueKey(v, type[1]))
            .sort()
            .join(',')}}`
        : nonConforming(type);
    case 'tuple': {
      const types = type[1];
      if (!Array.isArray(value) || value.length !== types.length) return nonConforming(type);
      return `[${value.map((v, i) => valueKey(v, types[i] as CtyType)).join(',')}]`;
    }
    case 'map': {
      if (!(value instanceof Map)) return nonConforming(type);
      const keys = [...value.keys()].sort(compareCodePoints);
      return `<${keys.map((k) => `${JSON.stringify(k)}:${valueKey(value.get(k) as CtyValue, type[1])}`).join(',')}>`;
    }
    case 'object': {
      if (!isPlainObject(value)) return nonConforming(type);
      const names = objectAttributeNames(type);
      if (Object.keys(value).length !== names.length) return nonConforming(type);
      return `(${names
        .map((n) => {
          if (!Object.hasOwn(value, n)) nonConforming(type);
          return `${JSON.stringify(n)}=${valueKey(value[n] as CtyValue, type[1][n] as CtyType)}`;
        })
        .join(',')})`;
    }
  }
}

function refinementKey(r: Readonly<Refinements>): string {
  const parts: string[] = [];
  if (r.notNull !== undefined) parts.push(`1${r.notNull}`);
  if (r.stringPrefix !== undefined) parts.push(`2${JSON.stringify(r.stringPrefix)}`);
  if (r.numberLower !== undefined) parts.push(`3${numberKey(r.numberLower[0])}${r.numberLower[1]}`);
  if (r.numberUpper !== undefined) parts.push(`4${numberKey(r.numberUpper[0])}${r.numberUpper[1]}`);
  if (r.lengthLower !== undefined) parts.push(`5${r.lengthLower}`);
  if (r.lengthUpper !== undefined) parts.push(`6${r.lengthUpper}`);
  return parts.join(';');
}

function nonConforming(type: CtyType): never {
  throw new CtyError([], `value does not conform to type ${ctyTypeToJsonString(type)}`);
}
