import { dedupeSetElements } from './equality';
import { CtyError, required, type CtyPath } from './errors';
import { encodeValue, type EncodeTarget } from './encode-walk';
import { numberFromWire, numberToWire } from './msgpack-numbers';
import { decodeWire, encodeWire, ExtData, isWireMap, KEY_TAG, utf8Text, type WireMap, type WireNode } from './msgpack-wire';
import { ctyTypeToJson, objectAttributeNames, parseCtyType, type CtyObjectType, type CtyType } from './types';
import { unknownFromExt, unknownToExt } from './unknown-ext';
import { ctyObject, DynamicValue, UNKNOWN, type CtyValue } from './values';

/**
 * Decodes a Terraform DynamicValue.msgpack payload as a value of `type` (go-cty msgpack rules: numbers as int,
 * float or decimal text; any extension is an unknown; dynamic as `[type JSON, value]`; objects need every attribute).
 * Throws `CtyError` with the path of the offending value.
 */
export function decodeMsgpack(bytes: Uint8Array, type: CtyType): CtyValue {
  let tree: WireNode;
  try {
    tree = decodeWire(bytes);
  } catch (err) {
    throw new CtyError([], `malformed msgpack: ${err instanceof Error ? err.message : String(err)}`);
  }
  return fromWire(tree, type, []);
}

function fromWire(node: WireNode, type: CtyType, path: CtyPath): CtyValue {
  if (node instanceof ExtData) return unknownFromExt(node, type, path);
  if (type === 'dynamic') return dynamicFromWire(node, path);
  if (node === null) return null;
  switch (type) {
    case 'string':
      // str and bin both arrive as bytes; cty reads either as a string.
      return node instanceof Uint8Array ? stringFromWire(node, path) : required(path, 'a string');
    case 'bool':
      return typeof node === 'boolean' ? node : required(path, 'a bool');
    case 'number':
      return numberFromWire(node, path);
  }
  switch (type[0]) {
    case 'list':
    case 'set': {
      if (!Array.isArray(node)) return required(path, `a ${type[0]}`);
      const elements = node.map((item, i) => fromWire(item, type[1], [...path, i]));
      return type[0] === 'set' ? dedupeSetElements(elements, type[1]) : elements;
    }
    case 'tuple': {
      const types = type[1];
      if (!Array.isArray(node)) return required(path, 'a tuple');
      if (node.length !== types.length) return required(path, `a tuple of length ${types.length}`);
      return node.map((item, i) => fromWire(item, types[i] as CtyType, [...path, i]));
    }
    case 'map': {
      if (!isWireMap(node)) return required(path, 'a map');
      const map = new Map<string, CtyValue>();
      for (const [key, item] of wireEntries(node, path)) map.set(key, fromWire(item, type[1], [...path, key]));
      return map;
    }
    case 'object':
      if (!isWireMap(node)) return required(path, 'an object');
      return objectFromWire(node, type, path);
  }
}

function stringFromWire(bytes: Uint8Array, path: CtyPath): string {
  try {
    return utf8Text(bytes);
  } catch {
    throw new CtyError(path, 'string is not valid UTF-8');
  }
}

function wireEntries(node: WireMap, path: CtyPath): [string, WireNode][] {
  return Object.keys(node).map((tagged) => {
    if (!tagged.startsWith(KEY_TAG)) throw new CtyError(path, 'all keys must be strings');
    return [tagged.slice(KEY_TAG.length), node[tagged] as WireNode];
  });
}

function objectFromWire(node: WireMap, type: CtyObjectType, path: CtyPath): CtyValue {
  const entries = wireEntries(node, path);
  const names = objectAttributeNames(type);
  if (entries.length !== names.length) {
    const given = new Set(entries.map(([k]) => k));
    const missing = names.filter((n) => !given.has(n));
    const extra = entries.map(([k]) => k).filter((k) => !Object.hasOwn(type[1], k));
    const detail = [
      missing.length ? `missing ${missing.map((n) => JSON.stringify(n)).join(', ')}` : '',
      extra.length ? `unsupported ${extra.map((n) => JSON.stringify(n)).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    throw new CtyError(
      path,
      `an object with ${names.length} attributes is required (${entries.length} given)${detail ? `: ${detail}` : ''}`,
    );
  }
  const attrs: [string, CtyValue][] = [];
  for (const [key, item] of entries) {
    if (!Object.hasOwn(type[1], key)) throw new CtyError([...path, key], 'unsupported attribute');
    attrs.push([key, fromWire(item, type[1][key] as CtyType, [...path, key])]);
  }
  return ctyObject(attrs);
}

function dynamicFromWire(node: WireNode, path: CtyPath): CtyValue {
  if (node === null) return null;
  if (!Array.isArray(node) || node.length !== 2) throw new CtyError(path, 'dynamic value array must have exactly two elements');
  const [typeJson, inner] = node as [WireNode, WireNode];
  if (!(typeJson instanceof Uint8Array)) throw new CtyError(path, 'dynamic value type must be JSON bytes');
  let type: CtyType;
  try {
    type = parseCtyType(typeJson);
  } catch (err) {
    throw err instanceof CtyError ? new CtyError(path, err.detail) : err;
  }
  if (type === 'dynamic') {
    // Only null or unknown can have type dynamic; refusing a nested wrapper here also bounds the recursion on
    // hostile input like [dynamic, [dynamic, [...]]].
    if (inner !== null && !(inner instanceof ExtData)) throw new CtyError(path, 'a dynamic value must name a concrete type');
    return inner === null ? null : UNKNOWN;
  }
  return new DynamicValue(type, fromWire(inner, type, path));
}

/**
 * Encodes `value` as a value of `type` in Terraform's DynamicValue.msgpack form, writing what go-cty writes
 * (sorted object keys, numbers as int/float/decimal text, `d4 00 00` or ext 12 for unknowns). Every object
 * attribute must be present (use null); anything not conforming throws `CtyError` with its path.
 */
export function encodeMsgpack(value: CtyValue, type: CtyType): Uint8Array {
  const tree = encodeValue(value, type, [], wireTarget);
  try {
    return encodeWire(tree);
  } catch (err) {
    throw new CtyError([], `cannot encode value: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const wireTarget: EncodeTarget<WireNode> = {
  null: () => null,
  unknown: (value, type, path) => unknownToExt(value, type, path),
  string: (value) => value,
  bool: (value) => value,
  number: (value, path) => numberToWire(value, path),
  sequence: (items) => items,
  map: (entries) => wireMap(entries),
  object: (entries) => wireMap(entries),
  dynamic: (type, inner) => [ctyTypeToJson(type), inner],
};

/** A null-prototype record, so the encoder sees keys such as `__proto__` as plain own keys. */
function wireMap(entries: [string, WireNode][]): WireMap {
  const out = Object.create(null) as WireMap;
  for (const [key, node] of entries) out[key] = node;
  return out;
}
