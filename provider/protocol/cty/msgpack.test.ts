import {
  BigDecimal,
  ctyObject,
  decodeMsgpack,
  DynamicValue,
  encodeMsgpack,
  isWhollyKnown,
  objectType,
  Unknown,
  type CtyType,
  type CtyValue,
} from './index';
import { ctyErrorOf } from './testing/expect-cty-error';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const str = (s: string) => Buffer.concat([Buffer.from([0xa0 + Buffer.byteLength(s)]), Buffer.from(s)]).toString('hex');

const token = objectType({ expires_at: 'string', id: 'string', name: 'string', secret: 'string' });

describe('msgpack objects', () => {
  it('writes every attribute, keys sorted as cty writes them', () => {
    const value = ctyObject({ name: 'alpha', id: null, secret: null, expires_at: null });
    expect(hex(encodeMsgpack(value, token))).toBe(`84${str('expires_at')}c0${str('id')}c0${str('name')}${str('alpha')}${str('secret')}c0`);
  });

  it('accepts attributes in any order', () => {
    const bytes = fromHex(`84${str('secret')}c0${str('name')}${str('b')}${str('id')}c0${str('expires_at')}c0`);
    expect(decodeMsgpack(bytes, token)).toEqual(ctyObject({ expires_at: null, id: null, name: 'b', secret: null }));
  });

  it('rejects a missing attribute with the count Terraform reports, naming it', () => {
    const bytes = fromHex(`83${str('id')}c0${str('name')}${str('alpha')}${str('secret')}c0`);
    const err = ctyErrorOf(() => decodeMsgpack(bytes, token));
    expect(err.path).toEqual([]);
    expect(err.message).toBe('an object with 4 attributes is required (3 given): missing "expires_at"');
  });

  it('rejects an extra attribute (wrong count)', () => {
    const bytes = fromHex(`85${str('expires_at')}c0${str('id')}c0${str('legacy')}c0${str('name')}c0${str('secret')}c0`);
    expect(ctyErrorOf(() => decodeMsgpack(bytes, token)).message).toMatch(/4 attributes is required \(5 given\): unsupported "legacy"/);
  });

  it('rejects an unsupported attribute with its path', () => {
    const nested = objectType({ outer: objectType({ a: 'string' }) });
    const bytes = fromHex(`81${str('outer')}81${str('b')}c0`);
    const err = ctyErrorOf(() => decodeMsgpack(bytes, nested));
    expect(err.path).toEqual(['outer', 'b']);
    expect(err.detail).toBe('unsupported attribute');
  });

  it('refuses to encode an object with a missing attribute rather than sending null', () => {
    const err = ctyErrorOf(() => encodeMsgpack(ctyObject({ id: 'x', name: 'n', secret: null }), token));
    expect(err.path).toEqual(['expires_at']);
    expect(err.detail).toMatch(/missing/);
  });

  it('refuses to encode an attribute the type does not have, and undefined', () => {
    expect(ctyErrorOf(() => encodeMsgpack(ctyObject({ a: 'x', b: 'y' }), objectType({ a: 'string' }))).path).toEqual(['b']);
    expect(ctyErrorOf(() => encodeMsgpack({ a: undefined } as unknown as CtyValue, objectType({ a: 'string' }))).path).toEqual(['a']);
  });

  it('handles attribute names and map keys like __proto__ and constructor', () => {
    const t = objectType(
      Object.fromEntries<CtyType>([
        ['__proto__', 'string'],
        ['constructor', ['map', 'number']],
        ['toString', 'bool'],
      ]),
    );
    const value = ctyObject([
      ['__proto__', 'p'],
      [
        'constructor',
        new Map<string, CtyValue>([
          ['__proto__', 1],
          ['hasOwnProperty', 2],
        ]),
      ],
      ['toString', true],
    ]);
    const decoded = decodeMsgpack(encodeMsgpack(value, t), t) as Record<string, CtyValue>;
    expect(Object.getPrototypeOf(decoded)).toBeNull();
    expect(Object.keys(decoded).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(decoded['__proto__']).toBe('p');
    expect(decoded['constructor']).toEqual(
      new Map([
        ['__proto__', 1],
        ['hasOwnProperty', 2],
      ]),
    );
    expect(({} as Record<string, unknown>)['p']).toBeUndefined(); // no prototype was polluted
  });
});

describe('msgpack type errors carry the path of the bad value', () => {
  const t = objectType({
    name: 'string',
    tags: ['map', 'string'],
    ports: ['list', 'number'],
    enabled: 'bool',
    pair: ['tuple', ['string', 'number']],
  });
  const base = (overrides: Record<string, string>) => {
    const parts: Record<string, string> = {
      enabled: 'c3',
      name: str('n'),
      pair: `92${str('a')}01`,
      ports: '9101',
      tags: '80',
      ...overrides,
    };
    return fromHex(
      `85${Object.keys(parts)
        .sort()
        .map((k) => str(k) + parts[k])
        .join('')}`,
    );
  };

  it('decodes the well-formed base message', () => {
    expect(isWhollyKnown(decodeMsgpack(base({}), t))).toBe(true);
  });

  it.each<[string, Record<string, string>, (string | number)[], RegExp]>([
    ['number where a string is required', { name: '05' }, ['name'], /a string is required/],
    ['string where a bool is required', { enabled: str('yes') }, ['enabled'], /a bool is required/],
    ['bool inside a list of numbers', { ports: '9201c3' }, ['ports', 1], /a number is required/],
    ['non-numeric string for a number', { ports: `91${str('ten')}` }, ['ports', 0], /a number is required/],
    ['number map value where strings are required', { tags: `81${str('env')}07` }, ['tags', 'env'], /a string is required/],
    ['tuple of the wrong length', { pair: `91${str('a')}` }, ['pair'], /tuple of length 2/],
    ['map where a list is required', { ports: '80' }, ['ports'], /a list is required/],
    ['integer map key', { tags: `8101${str('x')}` }, ['tags'], /keys must be strings/],
  ])('%s', (_name, overrides, path, message) => {
    const err = ctyErrorOf(() => decodeMsgpack(base(overrides), t));
    expect(err.path).toEqual(path);
    expect(err.message).toMatch(message);
  });

  it.each<[string, CtyValue, CtyType, (string | number)[]]>([
    ['number for a string', ctyObject({ a: 1 }), objectType({ a: 'string' }), ['a']],
    ['plain object for a map', ctyObject({ m: ctyObject({ k: 'v' }) }), objectType({ m: ['map', 'string'] }), ['m']],
    ['string in a list of bools', [true, 'no'], ['list', 'bool'], [1]],
    ['lone surrogate', ['ok', '\ud800'], ['list', 'string'], [1]],
    ['plain value for dynamic', ctyObject({ d: 'x' }), objectType({ d: 'dynamic' }), ['d']],
    ['string prefix refinement on a number', [new Unknown({ stringPrefix: 'a' })], ['list', 'number'], [0]],
  ])('encode: %s', (_name, value, type, path) => {
    expect(ctyErrorOf(() => encodeMsgpack(value, type)).path).toEqual(path);
  });
});

describe('malformed msgpack', () => {
  it.each([
    ['truncated string', 'a5 6162'],
    ['truncated map', '82 a1 61 c0'],
    ['reserved byte 0xc1', 'c1'],
    ['trailing bytes', 'c0 c0'],
    ['empty input', ''],
  ])('%s is a CtyError, not a crash', (_name, h) => {
    const err = ctyErrorOf(() => decodeMsgpack(fromHex(h), token));
    expect(err.message).toMatch(/malformed msgpack/);
    expect(err.path).toEqual([]);
  });

  it('arrays nested a million deep (one byte per level) are refused before a tree is built', () => {
    const levels = 1_000_000;
    const bytes = Buffer.alloc(levels + 1, 0x91);
    bytes[levels] = 0xc0;
    const started = performance.now();
    const err = ctyErrorOf(() => decodeMsgpack(bytes, ['list', 'dynamic']));
    expect(err.message).toMatch(/malformed msgpack: nested more than 500 deep/);
    // Building the tree took seconds; the header scan stops at level 501.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('maps nested past the limit inside a valid prefix are refused too; 200 levels decode', () => {
    const nested = (levels: number) => Buffer.concat([Buffer.alloc(levels, 0x91), Buffer.from([0x81, 0xa1, 0x61, 0xc0])]);
    let type: CtyType = ['map', 'string'];
    for (let i = 0; i < 200; i++) type = ['list', type];
    expect(decodeMsgpack(nested(200), type)).toBeDefined();
    expect(ctyErrorOf(() => decodeMsgpack(Buffer.concat([Buffer.from([0x92, 0xc0]), nested(600)]), type)).message).toMatch(
      /nested more than 500 deep/,
    );
  });
});

describe('unknown values', () => {
  it('reads ext 0 and any other extension type as a plain unknown', () => {
    expect(decodeMsgpack(fromHex('d4 00 00'), 'string')).toEqual(new Unknown());
    expect(decodeMsgpack(fromHex('c7 00 00'), 'number')).toEqual(new Unknown());
    expect(decodeMsgpack(fromHex('d6 05 01020304'), ['list', 'string'])).toEqual(new Unknown());
    expect(decodeMsgpack(fromHex('d6 ff 00000000'), 'string')).toEqual(new Unknown()); // -1 is not a timestamp here
  });

  it('writes a plain unknown as d4 00 00', () => {
    expect(hex(encodeMsgpack(new Unknown(), token))).toBe('d40000');
    expect(hex(encodeMsgpack(new Unknown({ stringPrefix: '' }), 'string'))).toBe('d40000');
  });

  it("round-trips every refinement in cty's encoding", () => {
    const cases: [CtyType, Unknown, string][] = [
      ['string', new Unknown({ notNull: true, stringPrefix: 'b-' }), 'c7070c8201c202a2622d'],
      [
        'number',
        new Unknown({ numberLower: [0, true], numberUpper: [new BigDecimal('0.1'), false] }),
        'c70c0c 82 03 92 00 c3 04 92 a3 302e31 c2',
      ],
      [['list', 'string'], new Unknown({ notNull: true, lengthLower: 1, lengthUpper: 3 }), 'c7070c 83 01 c2 05 01 06 03'],
      [['map', 'bool'], new Unknown({ lengthUpper: 0 }), 'c7030c 81 06 00'],
    ];
    for (const [type, unknown, wire] of cases) {
      const bytes = encodeMsgpack(unknown, type);
      expect(hex(bytes)).toBe(wire.replace(/\s+/g, ''));
      expect(decodeMsgpack(bytes, type)).toEqual(unknown);
    }
  });

  it('ignores refinement keys it does not know, and refinements on dynamic', () => {
    expect(decodeMsgpack(fromHex('c7 05 0c 82 01 c2 09 c3'), 'bool')).toEqual(new Unknown({ notNull: true }));
    expect(decodeMsgpack(fromHex('c7 03 0c 81 01 c2'), 'dynamic')).toEqual(new Unknown());
  });

  it('treats "definitely null" as a known null, as cty does', () => {
    expect(decodeMsgpack(fromHex('c7 03 0c 81 01 c3'), 'string')).toBeNull();
  });

  it('drops refinements that do not apply to the type (ignoring refinements is always safe)', () => {
    expect(decodeMsgpack(fromHex('c7 06 0c 82 01 c2 02 a1 61'), 'number')).toEqual(new Unknown({ notNull: true }));
    expect(decodeMsgpack(fromHex('c7 03 0c 81 05 01'), 'string')).toEqual(new Unknown());
    expect(decodeMsgpack(fromHex('c7 05 0c 81 03 92 01 c3'), ['list', 'number'])).toEqual(new Unknown());
  });

  it('rejects refinement payloads that are malformed', () => {
    expect(ctyErrorOf(() => decodeMsgpack(fromHex('c7 04 0c 81 02 91 01'), 'string')).message).toMatch(/prefix refinement is not a string/);
    expect(ctyErrorOf(() => decodeMsgpack(fromHex('c7 03 0c 81 03 05'), 'number')).message).toMatch(/\[number, bool\]/);
    expect(ctyErrorOf(() => decodeMsgpack(fromHex('c7 02 0c 91 01'), 'string')).message).toMatch(/not a map/);
    expect(ctyErrorOf(() => decodeMsgpack(fromHex('c7 04 0c 81 a1 31 c2'), 'string')).message).toMatch(/non-integer key/);
  });

  it('finds unknowns nested anywhere', () => {
    expect(isWhollyKnown(ctyObject({ a: [new Map([['k', new Unknown()]])] }))).toBe(false);
    expect(isWhollyKnown(ctyObject({ a: [new Map([['k', 'v']])] }))).toBe(true);
    expect(isWhollyKnown(new DynamicValue(['list', 'string'], [new Unknown()]))).toBe(false);
  });
});

describe('dynamic values', () => {
  it('writes [bin(type JSON), value] and reads it back with its type', () => {
    const v = new DynamicValue(['list', 'string'], ['a']);
    const bytes = encodeMsgpack(v, 'dynamic');
    expect(hex(bytes)).toBe(`92c411${Buffer.from('["list","string"]').toString('hex')}91${str('a')}`);
    expect(decodeMsgpack(bytes, 'dynamic')).toEqual(v);
  });

  it('accepts the type JSON as str too', () => {
    expect(decodeMsgpack(fromHex(`92${str('"number"')}05`), 'dynamic')).toEqual(new DynamicValue('number', 5));
  });

  it('keeps null and unknown of a concrete type apart from dynamic null and unknown', () => {
    expect(decodeMsgpack(fromHex('c0'), 'dynamic')).toBeNull();
    expect(decodeMsgpack(fromHex('d40000'), 'dynamic')).toEqual(new Unknown());
    const typedNull = new DynamicValue('string', null);
    expect(hex(encodeMsgpack(typedNull, 'dynamic'))).toBe(`92c408${Buffer.from('"string"').toString('hex')}c0`);
    expect(decodeMsgpack(encodeMsgpack(typedNull, 'dynamic'), 'dynamic')).toEqual(typedNull);
  });

  it('nests inside objects', () => {
    const t = objectType({ payload: 'dynamic', id: 'string' });
    const value = ctyObject({ id: 'x', payload: new DynamicValue(objectType({ n: 'number' }), ctyObject({ n: 1 })) });
    expect(decodeMsgpack(encodeMsgpack(value, t), t)).toEqual(value);
  });

  it('accepts a wrapper naming type dynamic only around null or unknown (no unbounded nesting)', () => {
    const dyn = Buffer.from('"dynamic"').toString('hex');
    expect(decodeMsgpack(fromHex(`92 c409${dyn} c0`), 'dynamic')).toBeNull();
    expect(decodeMsgpack(fromHex(`92 c409${dyn} d40000`), 'dynamic')).toEqual(new Unknown());
    const nested = (levels: number) => `92c409${dyn}`.repeat(levels) + 'c0';
    expect(ctyErrorOf(() => decodeMsgpack(fromHex(nested(10)), 'dynamic')).message).toMatch(/concrete type/);
    // Deeper than any value may nest: refused by the wire reader before the type walk.
    expect(ctyErrorOf(() => decodeMsgpack(fromHex(nested(50000)), 'dynamic')).message).toMatch(/nested more than 500 deep/);
  });

  it('reports a bad type JSON and a wrong array length with the path', () => {
    const t = objectType({ d: 'dynamic' });
    expect(ctyErrorOf(() => decodeMsgpack(fromHex(`81${str('d')}92${str('"int"')}05`), t)).path).toEqual(['d']);
    expect(ctyErrorOf(() => decodeMsgpack(fromHex(`81${str('d')}93${str('"number"')}0505`), t)).message).toMatch(/exactly two elements/);
  });
});

describe('collections', () => {
  it('reads empty and null collections distinctly', () => {
    expect(decodeMsgpack(fromHex('90'), ['list', 'string'])).toEqual([]);
    expect(decodeMsgpack(fromHex('c0'), ['list', 'string'])).toBeNull();
    expect(decodeMsgpack(fromHex('80'), ['map', 'string'])).toEqual(new Map());
    expect(decodeMsgpack(fromHex('90'), ['tuple', []])).toEqual([]);
    expect(decodeMsgpack(fromHex('80'), objectType({}))).toEqual(ctyObject({}));
  });

  it('drops duplicate set elements, as cty does, but keeps unknowns', () => {
    expect(decodeMsgpack(fromHex(`93${str('a')}${str('b')}${str('a')}`), ['set', 'string'])).toEqual(['a', 'b']);
    expect(decodeMsgpack(fromHex('94 01 01 d40000 d40000'), ['set', 'number'])).toEqual([1, new Unknown(), new Unknown()]);
    expect(decodeMsgpack(fromHex('92 01 a3 312e30'), ['set', 'number'])).toEqual([1]);
  });

  it('reads bin as a string, as cty does', () => {
    expect(decodeMsgpack(fromHex('c4 02 6869'), 'string')).toBe('hi');
  });

  it('refuses invalid UTF-8 instead of decoding it into garbage characters', () => {
    const err = ctyErrorOf(() => decodeMsgpack(fromHex('92 a1 61 a2 fffe'), ['list', 'string']));
    expect(err.path).toEqual([1]);
    expect(err.detail).toBe('string is not valid UTF-8');
    expect(ctyErrorOf(() => decodeMsgpack(fromHex('81 a1 ff c0'), ['map', 'string'])).message).toMatch(/malformed msgpack/);
  });

  it('keeps unicode strings intact', () => {
    const s = 'naïve 🦀 \u0000 東京';
    expect(decodeMsgpack(encodeMsgpack(s, 'string'), 'string')).toBe(s);
  });
});
