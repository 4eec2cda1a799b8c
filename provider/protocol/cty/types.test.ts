import { CtyError, ctyTypeEquals, ctyTypeToJson, objectType, parseCtyType, type CtyType } from './index';

describe('type constraints', () => {
  it('reads every kind of type JSON that Terraform uses', () => {
    expect(parseCtyType('"string"')).toBe('string');
    expect(parseCtyType(Buffer.from('"dynamic"'))).toBe('dynamic');
    expect(parseCtyType('["list","number"]')).toEqual(['list', 'number']);
    expect(parseCtyType('["set",["map","bool"]]')).toEqual(['set', ['map', 'bool']]);
    expect(parseCtyType('["tuple",["string",["list","number"]]]')).toEqual(['tuple', ['string', ['list', 'number']]]);
    expect(parseCtyType('["object",{"b":"string","a":"number"}]')).toEqual(['object', { a: 'number', b: 'string' }]);
    expect(parseCtyType('["object",{"a":"number","b":"string"},["b"]]')).toEqual(['object', { a: 'number', b: 'string' }, ['b']]);
  });

  it('writes the exact bytes of Schema.Attribute.type, attribute names sorted like cty', () => {
    expect(ctyTypeToJson('string').toString('hex')).toBe('22737472696e6722');
    const t: CtyType = ['object', { name: 'string', id: 'string', tags: ['map', 'string'] }];
    expect(ctyTypeToJson(t).toString()).toBe('["object",{"id":"string","name":"string","tags":["map","string"]}]');
    expect(ctyTypeToJson(['object', { b: 'bool', a: 'bool' }, ['b', 'a']]).toString()).toBe('["object",{"a":"bool","b":"bool"},["a","b"]]');
    expect(ctyTypeToJson(['tuple', []]).toString()).toBe('["tuple",[]]');
  });

  it('keeps attribute names like __proto__ and constructor as plain attributes', () => {
    const t = parseCtyType('["object",{"__proto__":"string","constructor":"number"}]');
    expect(Array.isArray(t) && t[0] === 'object' && Object.keys(t[1])).toEqual(['__proto__', 'constructor']);
    expect(ctyTypeToJson(t).toString()).toBe('["object",{"__proto__":"string","constructor":"number"}]');
    expect(
      ctyTypeEquals(
        t,
        objectType(
          Object.fromEntries<CtyType>([
            ['__proto__', 'string'],
            ['constructor', 'number'],
          ]),
        ),
      ),
    ).toBe(true);
  });

  it('compares types structurally', () => {
    expect(ctyTypeEquals(['list', 'string'], ['list', 'string'])).toBe(true);
    expect(ctyTypeEquals(['list', 'string'], ['set', 'string'])).toBe(false);
    expect(ctyTypeEquals(['object', { a: 'string' }], ['object', { a: 'string' }, ['a']])).toBe(false);
  });

  it.each([
    ['not JSON', '["list",'],
    ['unknown primitive', '"int"'],
    ['empty array', '[]'],
    ['unknown kind', '["array","string"]'],
    ['list without element type', '["list"]'],
    ['list with two element types', '["list","string","number"]'],
    ['tuple of a non-array', '["tuple","string"]'],
    ['object of an array', '["object",["a"]]'],
    ['optional attribute that does not exist', '["object",{"a":"string"},["b"]]'],
    ['optional list of non-strings', '["object",{"a":"string"},[1]]'],
    ['a number', '1'],
    ['null', 'null'],
    ['nested malformed element', '["map",["list",{}]]'],
  ])('rejects %s with a CtyError', (_name, json) => {
    expect(() => parseCtyType(json)).toThrow(CtyError);
  });

  it('refuses absurdly deep nesting instead of overflowing the stack', () => {
    const deep = '["list",'.repeat(5000) + '"string"' + ']'.repeat(5000);
    expect(() => parseCtyType(deep)).toThrow(/deeper than/);
  });
});
