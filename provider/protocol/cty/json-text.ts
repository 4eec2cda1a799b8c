import { CtyError } from './errors';

/**
 * JSON parsed without losing anything cty cares about: numbers keep their source text (JSON.parse would round
 * them to doubles) and objects keep their members as an entry list (so `__proto__` is just a key).
 */
export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | JsonObject;
export class JsonNumber {
  constructor(readonly text: string) {}
}
export class JsonObject {
  constructor(readonly entries: [string, JsonNode][]) {}
}

const MAX_DEPTH = 500;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
// JSON forbids raw control characters inside strings, so the run of ordinary characters stops at them.
// eslint-disable-next-line no-control-regex
const STRING_BODY = /[^"\\\u0000-\u001f]*/y;

export function parseJsonText(text: string): JsonNode {
  let pos = 0;
  const fail = (what: string): never => {
    throw new CtyError([], `invalid JSON at offset ${pos}: ${what}`);
  };
  const skip = () => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return true;
    }
    return false;
  };
  const parseString = (): string => {
    pos++; // opening quote
    let out = '';
    for (;;) {
      STRING_BODY.lastIndex = pos;
      STRING_BODY.exec(text);
      out += text.slice(pos, STRING_BODY.lastIndex);
      pos = STRING_BODY.lastIndex;
      const c = text[pos];
      if (c === '"') {
        pos++;
        return out;
      }
      if (c !== '\\') return fail(c === undefined ? 'unterminated string' : 'control character in string');
      const esc = text[pos + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (esc !== undefined && Object.hasOwn(simple, esc)) {
        out += simple[esc];
        pos += 2;
      } else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
        out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
        pos += 6;
      } else {
        fail('invalid escape');
      }
    }
  };
  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skip();
    const c = text[pos];
    if (c === '"') return parseString();
    if (c === '{') {
      pos++;
      const entries: [string, JsonNode][] = [];
      skip();
      if (text[pos] === '}') {
        pos++;
        return new JsonObject(entries);
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') fail('expected an object key');
        const key = parseString();
        skip();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        entries.push([key, parseValue(depth + 1)]);
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return new JsonObject(entries);
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return items;
        } else fail('expected "," or "]"');
      }
    }
    if (literal('true')) return true;
    if (literal('false')) return false;
    if (literal('null')) return null;
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    pos = NUMBER.lastIndex;
    return new JsonNumber(m[0]);
  };
  const result = parseValue(0);
  skip();
  if (pos !== text.length) fail('unexpected data after the value');
  return result;
}

/** Converts an already-parsed JS JSON value (from JSON.parse) into a JsonNode; its numbers are as exact as JSON.parse left them. */
export function jsonNodeFromParsed(value: unknown, depth = 0): JsonNode {
  if (depth > MAX_DEPTH) throw new CtyError([], 'JSON value nested too deeply');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CtyError([], 'a JSON number must be finite');
    return new JsonNumber(String(value));
  }
  if (typeof value === 'bigint') return new JsonNumber(value.toString());
  if (Array.isArray(value)) return value.map((item: unknown) => jsonNodeFromParsed(item, depth + 1));
  if (typeof value === 'object') {
    return new JsonObject(Object.keys(value).map((k) => [k, jsonNodeFromParsed((value as Record<string, unknown>)[k], depth + 1)]));
  }
  throw new CtyError([], `${typeof value} is not a JSON value`);
}
