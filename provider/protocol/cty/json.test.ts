import {
  BigDecimal,
  ctyObject,
  decodeJsonValue,
  DynamicValue,
  encodeJsonValue,
  objectType,
  Unknown,
  type CtyType,
  type CtyValue,
} from './index';
import { ctyErrorOf } from './testing/expect-cty-error';

const state = objectType({
  id: 'string',
  name: 'string',
  size: 'number',
  tags: ['map', 'string'],
  rules: ['list', objectType({ port: 'number' })],
});

describe('JSON values (RawState.json)', () => {
  it('reads compact state JSON as Terraform sends it for the current schema version', () => {
    const json = '{"id":"t-1","name":"alpha","rules":[{"port":443}],"size":0.1,"tags":{"env":"prod"}}';
    expect(decodeJsonValue(Buffer.from(json), state)).toEqual(
      ctyObject({
        id: 't-1',
        name: 'alpha',
        rules: [ctyObject({ port: 443 })],
        size: new BigDecimal('0.1'),
        tags: new Map([['env', 'prod']]),
      }),
    );
  });

  it('upgrades older state: drops attributes the schema no longer has (at any depth) and fills new ones with null', () => {
    const old = `{
      "id": "t-1",
      "legacy_field": "x",
      "rules": [ { "port": 22, "protocol": "tcp" } ],
      "size": 18446744073709551615
    }`;
    expect(decodeJsonValue(old, state, { dropUnknownAttributes: true })).toEqual(
      ctyObject({ id: 't-1', name: null, rules: [ctyObject({ port: 22 })], size: 2n ** 64n - 1n, tags: null }),
    );
  });

  it('without dropUnknownAttributes, an extra attribute is an error naming it', () => {
    const err = ctyErrorOf(() => decodeJsonValue('{"id":"a","rules":[{"port":1,"protocol":"tcp"}]}', state));
    expect(err.path).toEqual(['rules', 0, 'protocol']);
    expect(err.detail).toBe('unsupported attribute');
  });

  it('accepts an already-parsed value', () => {
    expect(decodeJsonValue({ id: 'a', size: 3 }, state)).toEqual(ctyObject({ id: 'a', name: null, rules: null, size: 3, tags: null }));
  });

  it('converts primitives the way cty does', () => {
    expect(decodeJsonValue('12', 'string')).toBe('12');
    expect(decodeJsonValue('1.50', 'string')).toBe('1.50');
    expect(decodeJsonValue('true', 'string')).toBe('true');
    expect(decodeJsonValue('"42"', 'number')).toBe(42);
    expect(decodeJsonValue('"false"', 'bool')).toBe(false);
  });

  it.each([
    ['string for a bool', '{"b":"yes"}', ['b']],
    ['object for a list', '{"l":{}}', ['l']],
    ['array for a map', '{"m":[]}', ['m']],
    ['bad number text', '{"n":"ten"}', ['n']],
    ['tuple too long', '{"t":["a",1,2]}', ['t']],
    ['number in a list of bools', '{"lb":[true,1]}', ['lb', 1]],
  ])('%s is a CtyError at its path', (_name, json, path) => {
    const t = objectType({
      b: 'bool',
      l: ['list', 'string'],
      m: ['map', 'string'],
      n: 'number',
      t: ['tuple', ['string', 'number']],
      lb: ['list', 'bool'],
    });
    expect(ctyErrorOf(() => decodeJsonValue(json, t)).path).toEqual(path);
  });

  it.each(['{"id":', '{"id" "a"}', '[1,]', '{"a":1}x', "{'a':1}", '{"a":01}', '"\u0001"', ''])(
    'malformed JSON %j is a CtyError',
    (json) => {
      expect(ctyErrorOf(() => decodeJsonValue(json, objectType({ a: 'number', id: 'string' }))).message).toMatch(/invalid JSON/);
    },
  );

  it('handles escapes and keys like __proto__', () => {
    const t = objectType(
      Object.fromEntries<CtyType>([
        ['__proto__', 'string'],
        ['m', ['map', 'string']],
      ]),
    );
    const decoded = decodeJsonValue('{"__proto__":"a\\u00e9\\n\\"","m":{"constructor":"\\ud83e\\udd80"}}', t) as Record<string, CtyValue>;
    expect(decoded['__proto__']).toBe('aé\n"');
    expect(decoded['m']).toEqual(new Map([['constructor', '🦀']]));
    expect(encodeJsonValue(decoded, t)).toBe('{"__proto__":"aé\\n\\"","m":{"constructor":"🦀"}}');
  });

  it('reads and writes dynamic values as {"value","type"}', () => {
    const t = objectType({ d: 'dynamic' });
    const v = ctyObject({ d: new DynamicValue(['list', 'number'], [1, new BigDecimal('0.1')]) });
    const json = encodeJsonValue(v, t);
    expect(json).toBe('{"d":{"value":[1,0.1],"type":["list","number"]}}');
    expect(decodeJsonValue(json, t)).toEqual(v);
    expect(decodeJsonValue('{"d":null}', t)).toEqual(ctyObject({ d: null }));
    expect(ctyErrorOf(() => decodeJsonValue('{"d":{"value":1}}', t)).message).toMatch(/missing type/);
    expect(ctyErrorOf(() => decodeJsonValue('{"d":{"type":"number","value":1,"x":2}}', t)).message).toMatch(/invalid key/);
  });

  it('refuses unknowns and missing attributes on encode', () => {
    expect(ctyErrorOf(() => encodeJsonValue(ctyObject({ a: new Unknown() }), objectType({ a: 'string' }))).path).toEqual(['a']);
    expect(ctyErrorOf(() => encodeJsonValue(ctyObject({}), objectType({ a: 'string' }))).path).toEqual(['a']);
  });

  it('writes sorted attributes and map keys', () => {
    const t = objectType({ z: 'string', a: ['map', 'number'] });
    expect(
      encodeJsonValue(
        ctyObject({
          z: 'last',
          a: new Map([
            ['y', 2],
            ['b', 1],
          ]),
        }),
        t,
      ),
    ).toBe('{"a":{"b":1,"y":2},"z":"last"}');
  });
});
