/**
 * Fitting provider results to the schema. The CLI rejects an object that lacks an attribute
 * ("an object with N attributes is required"), so every result is rebuilt from the schema's
 * attribute list: what the provider returned, else a fallback value (the plan, the prior
 * state, the config), else null. Write-only attributes are always null outside config.
 */
import { ctyObject, isPlainObject, Unknown, type CtyObject, type CtyValue } from '../cty';
import type { AttributePath } from '../diagnostics';
import type { AttributeSpec, BlockSpec } from '../schema/definition';

export function completeObject(block: BlockSpec, result: Partial<CtyObject> | null | undefined, fallback: CtyObject | null): CtyObject {
  const out: [string, CtyValue][] = [];
  const has = (o: object | null | undefined, k: string): boolean =>
    o !== null && o !== undefined && Object.prototype.hasOwnProperty.call(o, k) && (o as Record<string, unknown>)[k] !== undefined;
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.writeOnly) {
      out.push([name, null]);
    } else if (has(result, name)) {
      out.push([name, result?.[name] as CtyValue]);
    } else {
      out.push([name, has(fallback, name) ? (fallback?.[name] as CtyValue) : null]);
    }
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    let value: CtyValue;
    if (has(result, name)) value = result?.[name] as CtyValue;
    else if (has(fallback, name)) value = fallback?.[name] as CtyValue;
    else value = nested.nesting === 'list' || nested.nesting === 'set' ? [] : nested.nesting === 'map' ? new Map() : null;
    // Nested block collections are never null on the wire: "no blocks" is an empty collection.
    if (value === null && (nested.nesting === 'list' || nested.nesting === 'set')) value = [];
    if (value === null && nested.nesting === 'map') value = new Map();
    out.push([name, value]);
  }
  return ctyObject(out);
}

/** Paths of every unknown inside a value (for "unknown after apply" diagnostics). */
export function unknownPaths(value: CtyValue, at: AttributePath = []): AttributePath[] {
  if (value instanceof Unknown) return [at];
  const found: AttributePath[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => found.push(...unknownPaths(v, [...at, { index: i }])));
  else if (value instanceof Map) for (const [k, v] of value) found.push(...unknownPaths(v, [...at, { key: k }]));
  else if (isPlainObject(value)) {
    for (const k of Object.keys(value)) found.push(...unknownPaths(value[k] as CtyValue, [...at, { attribute: k }]));
  }
  return found;
}

/** Calls `visit` for the value of every attribute flagged by `pick`, at any depth. */
export function forEachAttributeValue(
  block: BlockSpec,
  value: CtyValue,
  pick: (attribute: AttributeSpec) => boolean,
  visit: (value: CtyValue) => void,
): void {
  if (!isPlainObject(value)) return;
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    const v = value[name];
    if (v === undefined) continue;
    if (pick(attribute)) visit(v);
    else if (attribute.nested) {
      for (const element of elements(v)) forEachAttributeValue({ attributes: attribute.nested.attributes }, element, pick, visit);
    }
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const v = value[name];
    if (v === undefined) continue;
    for (const element of elements(v)) forEachAttributeValue(nested.block, element, pick, visit);
  }
}

function elements(v: CtyValue): CtyValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Map) return [...v.values()];
  return [v];
}

/** Every string (and number text) inside a value: what a redactor needs to hide. */
export function leafStrings(value: CtyValue, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => leafStrings(v, out));
  else if (value instanceof Map) for (const v of value.values()) leafStrings(v, out);
  else if (isPlainObject(value)) for (const k of Object.keys(value)) leafStrings(value[k] as CtyValue, out);
  return out;
}

/** Replaces every unknown inside a value with null: the plan's leftovers after apply. */
export function unknownsToNull(value: CtyValue): CtyValue {
  if (value instanceof Unknown) return null;
  if (Array.isArray(value)) return value.map(unknownsToNull);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, unknownsToNull(v)]));
  if (isPlainObject(value)) return ctyObject(Object.keys(value).map((k) => [k, unknownsToNull(value[k] as CtyValue)] as const));
  return value;
}
