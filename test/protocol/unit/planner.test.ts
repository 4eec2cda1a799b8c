import { ctyObject, defaultPlan, defineSchema, Unknown, UNKNOWN, type CtyObject } from '../../../provider/protocol';

const schema = defineSchema({
  attributes: {
    id: { type: 'string', computed: true },
    name: { type: 'string', required: true, requiresReplace: true },
    size: { type: 'number', optional: true },
    note: { type: 'string', optional: true, computed: true },
    updated: { type: 'string', computed: true, unknownOnUpdate: true },
    pw: { type: 'string', optional: true, writeOnly: true },
    endpoint: {
      optional: true,
      nested: {
        nesting: 'single',
        attributes: { host: { type: 'string', required: true }, port: { type: 'number', optional: true, computed: true } },
      },
    },
  },
  blocks: {
    rule: {
      nesting: 'list',
      block: { attributes: { port: { type: 'number', required: true }, proto: { type: 'string', optional: true, computed: true } } },
    },
  },
});

const obj = (o: Record<string, unknown>): CtyObject => ctyObject(o as CtyObject);

const config = obj({
  id: null,
  name: 'a',
  size: 1,
  note: null,
  updated: null,
  pw: 'secret-pw',
  endpoint: obj({ host: 'h', port: null }),
  rule: [obj({ port: 80, proto: null }), obj({ port: 443, proto: 'udp' })],
});

describe('defaultPlan', () => {
  test('create: unset computed values become unknown at every depth, write-only is null', () => {
    const { planned, requiresReplace } = defaultPlan({ block: schema.block, prior: null, proposed: config, config, canUpdate: true });
    expect(planned?.id).toBeInstanceOf(Unknown);
    expect(planned?.note).toBeInstanceOf(Unknown);
    expect(planned?.pw).toBeNull();
    expect((planned?.endpoint as CtyObject).port).toBeInstanceOf(Unknown);
    expect((planned?.endpoint as CtyObject).host).toBe('h');
    const rules = planned?.rule as CtyObject[];
    expect(rules[0]?.proto).toBeInstanceOf(Unknown);
    expect(rules[1]?.proto).toBe('udp');
    expect(requiresReplace).toEqual([]);
    // The input is not modified.
    expect(config.id).toBeNull();
  });

  const prior = obj({
    id: 'x1',
    name: 'a',
    size: 1,
    note: 'n',
    updated: 't1',
    pw: null,
    endpoint: obj({ host: 'h', port: 443 }),
    rule: [obj({ port: 80, proto: 'tcp' }), obj({ port: 443, proto: 'udp' })],
  });

  test('no change: the plan is the prior state, nothing unknown', () => {
    const proposed = obj({ ...prior });
    const { planned, requiresReplace } = defaultPlan({ block: schema.block, prior, proposed, config, canUpdate: true });
    expect(planned?.updated).toBe('t1');
    expect(planned?.note).toBe('n');
    expect(requiresReplace).toEqual([]);
  });

  test('update: keeps prior computed values except unknownOnUpdate ones; fills new nested values', () => {
    const proposed = obj({ ...prior, size: 2, rule: [...(prior.rule as CtyObject[]), obj({ port: 8080, proto: null })] });
    const cfg = obj({ ...config, size: 2, rule: [...(config.rule as CtyObject[]), obj({ port: 8080, proto: null })] });
    const { planned, requiresReplace } = defaultPlan({ block: schema.block, prior, proposed, config: cfg, canUpdate: true });
    expect(planned?.id).toBe('x1');
    expect(planned?.note).toBe('n');
    expect(planned?.updated).toBe(UNKNOWN);
    const rules = planned?.rule as CtyObject[];
    expect(rules[0]?.proto).toBe('tcp');
    expect(rules[2]?.proto).toBeInstanceOf(Unknown);
    expect(requiresReplace).toEqual([]);
  });

  test('a changed requiresReplace attribute is reported', () => {
    const proposed = obj({ ...prior, name: 'b' });
    expect(defaultPlan({ block: schema.block, prior, proposed, config, canUpdate: true }).requiresReplace).toEqual([
      [{ attribute: 'name' }],
    ]);
  });

  test('without update, every changed configurable attribute and block forces replacement', () => {
    const proposed = obj({ ...prior, size: 3, rule: [obj({ port: 1, proto: 'tcp' })] });
    const { requiresReplace } = defaultPlan({ block: schema.block, prior, proposed, config, canUpdate: false });
    expect(requiresReplace).toEqual([[{ attribute: 'size' }], [{ attribute: 'rule' }]]);
  });

  test('destroy plans null', () => {
    expect(defaultPlan({ block: schema.block, prior, proposed: null, config: null, canUpdate: true })).toEqual({
      planned: null,
      requiresReplace: [],
    });
  });
});
