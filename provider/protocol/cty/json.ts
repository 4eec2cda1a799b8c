import { dedupeSetElements } from './equality';
import { encodeValue, type EncodeTarget } from './encode-walk';
import { CtyError, required, type CtyPath } from './errors';
import { JsonNumber, JsonObject, jsonNodeFromParsed, parseJsonText, type JsonNode } from './json-text';
import { numberToDecimalText, parseCtyNumber } from './numbers';
import { compareCodePoints, ctyTypeToJsonString, objectAttributeNames, validateCtyType, type CtyObjectType, type CtyType } from './types';
import { ctyObject, DynamicValue, type CtyValue } from './values';

export interface DecodeJsonOptions {
  /**
   * Drop object attributes the type does not have, at every depth (UpgradeResourceState's raw_state.json
   * from an older schema). Without it they are an error, as in cty.
   */
  dropUnknownAttributes?: boolean;
}

/**
 * Decodes cty's JSON form of a value of `type` (raw state, json DynamicValue). Text or bytes are parsed with
 * numbers kept exact; an already-parsed JS value is accepted too. Missing object attributes become null.
 * JSON cannot hold unknowns. Throws `CtyError` with the path of the offending value.
 */
export function decodeJsonValue(json: string | Uint8Array | unknown, type: CtyType, options: DecodeJsonOptions = {}): CtyValue {
  let root: JsonNode;
  if (typeof json === 'string') root = parseJsonText(json);
  else if (json instanceof Uint8Array) root = parseJsonText(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  else root = jsonNodeFromParsed(json);
  return fromJson(root, type, [], options.dropUnknownAttributes === true);
}

function fromJson(node: JsonNode, type: CtyType, path: CtyPath, drop: boolean): CtyValue {
  if (node === null) return null;
  if (type === 'dynamic') return dynamicFromJson(node, path, drop);
  switch (type) {
    case 'string':
      // cty converts JSON numbers and bools given for a string to their text.
      if (typeof node === 'string') return node;
      if (node instanceof JsonNumber) return node.text;
      return typeof node === 'boolean' ? String(node) : required(path, 'a string');
    case 'bool':
      if (typeof node === 'boolean') return node;
      if (node === 'true' || node === 'false') return node === 'true';
      return required(path, 'a bool');
    case 'number':
      if (node instanceof JsonNumber || typeof node === 'string') {
        try {
          return parseCtyNumber(node instanceof JsonNumber ? node.text : node);
        } catch (err) {
          if (err instanceof CtyError) throw new CtyError(path, err.detail);
          throw err;
        }
      }
      return required(path, 'a number');
  }
  switch (type[0]) {
    case 'list':
    case 'set': {
      if (!Array.isArray(node)) return required(path, `a JSON array for a ${type[0]}`);
      const elements = node.map((item, i) => fromJson(item, type[1], [...path, i], drop));
      return type[0] === 'set' ? dedupeSetElements(elements, type[1]) : elements;
    }
    case 'tuple': {
      const types = type[1];
      if (!Array.isArray(node)) return required(path, 'a JSON array for a tuple');
      if (node.length !== types.length) throw new CtyError(path, `a tuple of length ${types.length} is required (${node.length} given)`);
      return node.map((item, i) => fromJson(item, types[i] as CtyType, [...path, i], drop));
    }
    case 'map': {
      if (!(node instanceof JsonObject)) return required(path, 'a JSON object for a map');
      const map = new Map<string, CtyValue>();
      for (const [key, item] of node.entries) map.set(key, fromJson(item, type[1], [...path, key], drop));
      return map;
    }
    case 'object':
      if (!(node instanceof JsonObject)) return required(path, 'a JSON object for an object');
      return objectFromJson(node, type, path, drop);
  }
}

function objectFromJson(node: JsonObject, type: CtyObjectType, path: CtyPath, drop: boolean): CtyValue {
  const given = new Map<string, JsonNode>();
  for (const [key, item] of node.entries) {
    if (Object.hasOwn(type[1], key)) given.set(key, item);
    else if (!drop) throw new CtyError([...path, key], 'unsupported attribute');
  }
  return ctyObject(
    objectAttributeNames(type).map((name) => {
      const item = given.get(name);
      return [name, item === undefined ? null : fromJson(item, type[1][name] as CtyType, [...path, name], drop)] as const;
    }),
  );
}

function dynamicFromJson(node: JsonNode, path: CtyPath, drop: boolean): CtyValue {
  if (!(node instanceof JsonObject))
    throw new CtyError(path, 'a JSON object with "value" and "type" is required for a dynamically-typed value');
  let typeNode: JsonNode | undefined;
  let valueNode: JsonNode | undefined;
  for (const [key, item] of node.entries) {
    if (key === 'type') typeNode = item;
    else if (key === 'value') valueNode = item;
    else throw new CtyError(path, `invalid key ${JSON.stringify(key)} in dynamically-typed value`);
  }
  if (typeNode === undefined) throw new CtyError(path, 'missing type in dynamically-typed value');
  if (valueNode === undefined) throw new CtyError(path, 'missing value in dynamically-typed value');
  let type: CtyType;
  try {
    type = validateCtyType(plainJson(typeNode));
  } catch (err) {
    throw err instanceof CtyError ? new CtyError(path, err.detail) : err;
  }
  const value = fromJson(valueNode, type, path, drop);
  return type === 'dynamic' ? value : new DynamicValue(type, value);
}

/** A type constraint has no numbers, so converting it to plain JS loses nothing. */
function plainJson(node: JsonNode): unknown {
  if (node instanceof JsonNumber) return Number(node.text);
  if (node instanceof JsonObject) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of node.entries) out[k] = plainJson(v);
    return out;
  }
  return Array.isArray(node) ? node.map(plainJson) : node;
}

const jsonTarget: EncodeTarget<string> = {
  null: () => 'null',
  unknown: (_value, _type, path) => {
    throw new CtyError(path, 'value is not known; JSON cannot hold unknown values');
  },
  string: (value) => JSON.stringify(value),
  bool: (value) => (value ? 'true' : 'false'),
  number: (value, path) => {
    try {
      return numberToDecimalText(value);
    } catch (err) {
      throw err instanceof CtyError ? new CtyError(path, err.detail) : err;
    }
  },
  sequence: (items) => `[${items.join(',')}]`,
  map: (entries) => jsonObjectText([...entries].sort(([a], [b]) => compareCodePoints(a, b))),
  object: (entries) => jsonObjectText(entries),
  dynamic: (type, inner) => `{"value":${inner},"type":${ctyTypeToJsonString(type)}}`,
};

function jsonObjectText(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** cty's JSON form of a wholly known value of `type` (numbers in exact plain decimal, object attributes sorted). */
export function encodeJsonValue(value: CtyValue, type: CtyType): string {
  return encodeValue(value, type, [], jsonTarget);
}
