import {
  BigDecimal,
  ctyEquals,
  ctyObject,
  ctyTypeToJson,
  decodeMsgpack,
  DynamicValue,
  encodeMsgpack,
  impliedTypeOf,
  isNullOrUnknown,
  objectType,
  resolveCtyPath,
  Unknown,
  type CtyValue,
} from './index';

describe('ctyEquals', () => {
  it('compares sets without regard to order, lists with it', () => {
    expect(ctyEquals(['a', 'b'], ['b', 'a'], ['set', 'string'])).toBe(true);
    expect(ctyEquals(['a', 'b'], ['b', 'a'], ['list', 'string'])).toBe(false);
    expect(ctyEquals(['a'], ['a', 'b'], ['set', 'string'])).toBe(false);
  });

  it('compares numbers by value across representations', () => {
    expect(ctyEquals(1, 1n, 'number')).toBe(true);
    expect(ctyEquals(0.5, new BigDecimal('0.50'), 'number')).toBe(true);
    expect(ctyEquals(new BigDecimal('0.1'), 0.1, 'number')).toBe(false); // the double 0.1 is not exactly 0.1
    expect(ctyEquals(-0, 0, 'number')).toBe(true);
  });

  it('compares maps and objects by content, not key order', () => {
    expect(
      ctyEquals(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
        ['map', 'number'],
      ),
    ).toBe(true);
    const t = objectType({ a: 'string', b: 'bool' });
    expect(ctyEquals(ctyObject({ a: 'x', b: true }), ctyObject({ b: true, a: 'x' }), t)).toBe(true);
    expect(ctyEquals(ctyObject({ a: 'x', b: true }), ctyObject({ a: 'x', b: false }), t)).toBe(false);
  });

  it('tells null, unknown and refined unknown apart', () => {
    expect(ctyEquals(null, null, 'string')).toBe(true);
    expect(ctyEquals(null, new Unknown(), 'string')).toBe(false);
    expect(ctyEquals(new Unknown(), new Unknown(), 'string')).toBe(true);
    expect(ctyEquals(new Unknown({ notNull: true }), new Unknown(), 'string')).toBe(false);
    expect(isNullOrUnknown(null) && isNullOrUnknown(new Unknown()) && !isNullOrUnknown('')).toBe(true);
  });

  it('compares dynamic values by type and value', () => {
    expect(ctyEquals(new DynamicValue('number', 1), new DynamicValue('number', 1n), 'dynamic')).toBe(true);
    expect(ctyEquals(new DynamicValue('number', 1), new DynamicValue('string', '1'), 'dynamic')).toBe(false);
  });

  it('treats values that do not conform to the type as unequal instead of throwing', () => {
    expect(ctyEquals('a', 'a', 'number')).toBe(false);
    expect(ctyEquals(ctyObject({ a: 'x' }), ctyObject({ a: 'x' }), objectType({ a: 'string', b: 'string' }))).toBe(false);
  });
});

describe('resolveCtyPath', () => {
  it('tells attribute names from map keys and indexes by walking the type', () => {
    const t = objectType({ rules: ['list', objectType({ tags: ['map', 'string'] })], pair: ['tuple', ['string', ['map', 'bool']]] });
    expect(resolveCtyPath(['rules', 0, 'tags', 'env'], t)).toEqual([
      { attribute: 'rules' },
      { index: 0 },
      { attribute: 'tags' },
      { key: 'env' },
    ]);
    expect(resolveCtyPath(['pair', 1, 'k'], t)).toEqual([{ attribute: 'pair' }, { index: 1 }, { key: 'k' }]);
  });
});

describe('impliedTypeOf', () => {
  it('infers tuple, object and map types, so a plain value can be wrapped for a dynamic slot', () => {
    const value = ctyObject({ name: 'x', ports: [80, 443], tags: new Map([['a', 'b']]), ratio: new BigDecimal('0.1'), on: true });
    const type = impliedTypeOf(value);
    expect(ctyTypeToJson(type).toString()).toBe(
      '["object",{"name":"string","on":"bool","ports":["tuple",["number","number"]],"ratio":"number","tags":["map","string"]}]',
    );
    const bytes = encodeMsgpack(new DynamicValue(type, value), 'dynamic');
    expect(decodeMsgpack(bytes, 'dynamic')).toEqual(new DynamicValue(type, value));
  });

  it('gives dynamic for null and unknown, and refuses Maps of mixed types', () => {
    expect(impliedTypeOf(null)).toBe('dynamic');
    expect(impliedTypeOf(new Unknown())).toBe('dynamic');
    expect(() =>
      impliedTypeOf(
        new Map<string, CtyValue>([
          ['a', 'x'],
          ['b', 1],
        ]),
      ),
    ).toThrow(/different types/);
  });
});
