import { CtyError, type CtyPathStep } from './errors';

export type CtyPrimitiveType = 'string' | 'number' | 'bool';

/**
 * A cty type constraint in exactly its JSON form, so `JSON.stringify(type)` is what goes on the wire
 * (`Schema.Attribute.type`, the type half of a msgpack dynamic value). Object attribute maps should be
 * null-prototype objects (see `objectType`) so that attribute names like `__proto__` stay ordinary keys.
 */
export type CtyType =
  | CtyPrimitiveType
  | 'dynamic'
  | ['list', CtyType]
  | ['set', CtyType]
  | ['map', CtyType]
  | ['object', { [attr: string]: CtyType }]
  | ['object', { [attr: string]: CtyType }, string[]]
  | ['tuple', CtyType[]];

export type CtyObjectType = Extract<CtyType, ['object', ...unknown[]]>;
export type CtyCollectionType = ['list' | 'set' | 'map', CtyType];

/** Terraform panics on malformed type JSON, and dynamic values carry type JSON from outside, so depth is bounded. */
const MAX_TYPE_DEPTH = 200;

/**
 * Builds an object type whose attribute map has no prototype (safe for any attribute name).
 * Without optional attributes the attribute names and types stay in the TypeScript type, so
 * schema models (../schema/model) can type the object's values.
 */
export function objectType<const A extends Record<string, CtyType>>(attributes: A): ['object', A];
export function objectType(attributes: Record<string, CtyType>, optional?: readonly string[]): CtyObjectType;
export function objectType(attributes: Record<string, CtyType>, optional?: readonly string[]): CtyObjectType {
  const attrs = nullObject<CtyType>();
  for (const name of Object.keys(attributes)) attrs[name] = attributes[name] as CtyType;
  return optional && optional.length > 0 ? ['object', attrs, [...optional]] : ['object', attrs];
}

export function nullObject<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

export function isPrimitiveType(type: CtyType): type is CtyPrimitiveType {
  return type === 'string' || type === 'number' || type === 'bool';
}

export function isCollectionType(type: CtyType): type is CtyCollectionType {
  return Array.isArray(type) && (type[0] === 'list' || type[0] === 'set' || type[0] === 'map');
}

/** The attribute names of an object type, sorted as cty sorts them (by UTF-8 bytes, which code-point order matches). */
export function objectAttributeNames(type: CtyObjectType): readonly string[] {
  // Schemas are decoded against many times; types are treated as immutable, so the sorted names are cached.
  let names = sortedNames.get(type[1]);
  if (names === undefined) {
    names = Object.freeze(Object.keys(type[1]).sort(compareCodePoints));
    sortedNames.set(type[1], names);
  }
  return names;
}

const sortedNames = new WeakMap<object, readonly string[]>();

export function objectAttributeType(type: CtyObjectType, name: string): CtyType | undefined {
  return Object.hasOwn(type[1], name) ? type[1][name] : undefined;
}

/** String order by Unicode code point (= Go's byte order of UTF-8), not JS's UTF-16 unit order. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done) return cb.done ? 0 : -1;
    if (cb.done) return 1;
    const diff = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
}

/** Parses and validates type-constraint JSON (text, UTF-8 bytes, or already-parsed JSON). Throws `CtyError`. */
export function parseCtyType(json: string | Uint8Array): CtyType {
  const text = typeof json === 'string' ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CtyError([], 'type constraint is not valid JSON');
  }
  return validateCtyType(parsed);
}

/** Checks that an already-parsed JSON value is a type constraint and returns it in canonical form. */
export function validateCtyType(json: unknown): CtyType {
  return validateAt(json, [], 0);
}

function validateAt(json: unknown, where: CtyPathStep[], depth: number): CtyType {
  const fail = (detail: string): never => {
    throw new CtyError(
      [],
      where.length === 0 ? `invalid type constraint: ${detail}` : `invalid type constraint at ${where.join('.')}: ${detail}`,
    );
  };
  if (depth > MAX_TYPE_DEPTH) fail(`nested deeper than ${MAX_TYPE_DEPTH} levels`);
  if (typeof json === 'string') {
    if (json === 'string' || json === 'number' || json === 'bool' || json === 'dynamic') return json;
    return fail(`unknown primitive type ${JSON.stringify(json)}`);
  }
  if (!Array.isArray(json) || json.length === 0) return fail('a type must be a string or a non-empty array');
  const [kind, arg, extra] = json as unknown[];
  switch (kind) {
    case 'list':
    case 'set':
    case 'map':
      if (json.length !== 2) fail(`${kind} takes exactly one element type`);
      return [kind, validateAt(arg, [...where, kind], depth + 1)];
    case 'tuple': {
      if (json.length !== 2 || !Array.isArray(arg)) return fail('tuple takes an array of element types');
      return ['tuple', arg.map((t: unknown, i) => validateAt(t, [...where, i], depth + 1))];
    }
    case 'object': {
      if (json.length !== 2 && json.length !== 3) fail('object takes an attribute map and optionally a list of optional attributes');
      if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return fail('object attributes must be a JSON object');
      const attrs = nullObject<CtyType>();
      for (const name of Object.keys(arg)) {
        attrs[name] = validateAt((arg as Record<string, unknown>)[name], [...where, name], depth + 1);
      }
      if (json.length === 2) return ['object', attrs];
      if (!Array.isArray(extra) || !extra.every((n): n is string => typeof n === 'string')) {
        return fail('optional attributes must be an array of strings');
      }
      for (const name of extra)
        if (!Object.hasOwn(attrs, name)) fail(`optional attribute ${JSON.stringify(name)} is not an attribute of the object`);
      const optional = [...new Set(extra)].sort(compareCodePoints);
      return optional.length === 0 ? ['object', attrs] : ['object', attrs, optional];
    }
    default:
      return fail(`unknown type kind ${JSON.stringify(kind)}`);
  }
}

/** Canonical type JSON (attribute names sorted, like cty), as UTF-8 bytes for `Schema.Attribute.type`. */
export function ctyTypeToJson(type: CtyType): Buffer {
  return Buffer.from(ctyTypeToJsonString(type), 'utf8');
}

export function ctyTypeToJsonString(type: CtyType): string {
  if (typeof type === 'string') return JSON.stringify(type);
  switch (type[0]) {
    case 'list':
    case 'set':
    case 'map':
      return `[${JSON.stringify(type[0])},${ctyTypeToJsonString(type[1])}]`;
    case 'tuple':
      return `["tuple",[${type[1].map(ctyTypeToJsonString).join(',')}]]`;
    case 'object': {
      const attrs = objectAttributeNames(type).map((n) => `${JSON.stringify(n)}:${ctyTypeToJsonString(type[1][n] as CtyType)}`);
      const optional = type[2] && type[2].length > 0 ? `,${JSON.stringify([...type[2]].sort(compareCodePoints))}` : '';
      return `["object",{${attrs.join(',')}}${optional}]`;
    }
  }
}

/** Structural type equality; the optional-attribute list of objects counts, its order does not. */
export function ctyTypeEquals(a: CtyType, b: CtyType): boolean {
  return ctyTypeToJsonString(a) === ctyTypeToJsonString(b);
}

/** Human-readable type name for error messages, like cty's FriendlyName. */
export function friendlyTypeName(type: CtyType): string {
  if (typeof type === 'string') return type;
  switch (type[0]) {
    case 'list':
    case 'set':
    case 'map':
      return `${type[0]} of ${friendlyTypeName(type[1])}`;
    case 'tuple':
      return 'tuple';
    case 'object':
      return 'object';
  }
}
