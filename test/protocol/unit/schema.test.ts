import { blockType, defineSchema, schemaToProto, SchemaDefinitionError, type SchemaSpec } from '../../../provider/protocol';

describe('defineSchema catches what would break the CLI', () => {
  const bad: Array<[string, SchemaSpec, RegExp]> = [
    ['uppercase name', { attributes: { Name: { type: 'string', required: true } } }, /lowercase/],
    ['reserved name', { attributes: { count: { type: 'number', optional: true } } }, /reserved/],
    ['no required/optional/computed', { attributes: { a: { type: 'string' } } }, /one of required, optional or computed/],
    ['required + optional', { attributes: { a: { type: 'string', required: true, optional: true } } }, /exclusive/],
    ['required + computed', { attributes: { a: { type: 'string', required: true, computed: true } } }, /exclusive/],
    ['neither type nor nested', { attributes: { a: { optional: true } } }, /exactly one of type and nested/],
    [
      'both type and nested',
      { attributes: { a: { optional: true, type: 'string', nested: { nesting: 'single', attributes: {} } } } },
      /exactly one/,
    ],
    ['malformed type', { attributes: { a: { optional: true, type: ['list'] as never } } }, /invalid type constraint/],
    ['write-only computed', { attributes: { a: { type: 'string', optional: true, computed: true, writeOnly: true } } }, /write-only/],
    [
      'write-only requiresReplace',
      { attributes: { a: { type: 'string', optional: true, writeOnly: true, requiresReplace: true } } },
      /never stored/,
    ],
    [
      'unknownOnUpdate on a non-computed attribute',
      { attributes: { a: { type: 'string', optional: true, unknownOnUpdate: true } } },
      /computed attributes only/,
    ],
    [
      'attribute and block share a name',
      { attributes: { x: { type: 'string', optional: true } }, blocks: { x: { nesting: 'list', block: {} } } },
      /attribute and a block/,
    ],
    ['single block with maxItems 2', { blocks: { b: { nesting: 'single', block: {}, maxItems: 2 } } }, /0 or 1/],
    ['map block with minItems', { blocks: { b: { nesting: 'map', block: {}, minItems: 1 } } }, /map blocks/],
    ['minItems > maxItems', { blocks: { b: { nesting: 'list', block: {}, minItems: 3, maxItems: 2 } } }, /greater/],
    [
      'dynamic inside a set block',
      { blocks: { b: { nesting: 'set', block: { attributes: { d: { type: 'dynamic', optional: true } } } } } },
      /dynamic/,
    ],
    ['negative version', { version: -1 }, /version/],
  ];
  test.each(bad)('%s', (_name, spec, message) => {
    expect(() => defineSchema(spec)).toThrow(SchemaDefinitionError);
    expect(() => defineSchema(spec)).toThrow(message);
  });

  test('names the offending attribute path', () => {
    expect(() =>
      defineSchema({ blocks: { rule: { nesting: 'list', block: { attributes: { Port: { type: 'number', optional: true } } } } } }),
    ).toThrow('invalid schema at rule.Port');
  });
});

describe('schemaToProto and blockType', () => {
  const schema = defineSchema({
    version: 2,
    description: 'A `thing`.',
    attributes: {
      id: { type: 'string', computed: true },
      tags: { type: ['map', 'string'], optional: true, description: 'plain words' },
      old: { type: 'string', optional: true, deprecated: 'use tags' },
      secret: { type: 'string', computed: true, sensitive: true },
      pw: { type: 'string', optional: true, writeOnly: true },
      rules: { optional: true, nested: { nesting: 'set', attributes: { port: { type: 'number', required: true } } } },
    },
    blocks: { limits: { nesting: 'single', block: { attributes: { cpu: { type: 'number', optional: true } } } } },
  });

  test('carries every flag with upstream field semantics', () => {
    const proto = schemaToProto(schema);
    expect(proto.version).toBe('2');
    expect(proto.block.description_kind).toBe(1);
    const attr = (name: string) => proto.block.attributes.find((a) => a.name === name);
    expect(attr('tags')?.type.toString()).toBe('["map","string"]');
    expect(attr('tags')?.description_kind).toBe(0);
    expect(attr('old')).toMatchObject({ deprecated: true, deprecation_message: 'use tags', description: 'Deprecated: use tags' });
    expect(attr('secret')).toMatchObject({ sensitive: true, computed: true, required: false, optional: false });
    expect(attr('pw')?.write_only).toBe(true);
    expect(attr('rules')?.type.length).toBe(0);
    expect(attr('rules')?.nested_type?.nesting).toBe(3);
    expect(attr('rules')?.nested_type?.attributes[0]?.name).toBe('port');
    expect(proto.block.block_types[0]).toMatchObject({ type_name: 'limits', nesting: 1, min_items: '0', max_items: '0' });
  });

  test('the implied type is what the CLI encodes values with', () => {
    expect(JSON.parse(JSON.stringify(blockType(schema.block)))).toEqual([
      'object',
      {
        id: 'string',
        tags: ['map', 'string'],
        old: 'string',
        secret: 'string',
        pw: 'string',
        rules: ['set', ['object', { port: 'number' }]],
        limits: ['object', { cpu: 'number' }],
      },
    ]);
  });
});
