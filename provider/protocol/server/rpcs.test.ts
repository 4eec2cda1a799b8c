/**
 * In-process tests of every tfplugin6 RPC: the typed handlers are called with typed requests
 * (values encoded as the CLI encodes them, unknowns and nulls included) and the typed responses
 * are checked: values, private data, diagnostics and their attribute paths.
 */
import {
  blockType,
  ctyObject,
  decodeObjectValue,
  DiagnosticError,
  encodeMsgpack,
  encodeValue,
  error,
  forProvider,
  defineProvider,
  defineSchema,
  known,
  path,
  UNKNOWN,
  Unknown,
  type ClientCapabilities,
  type CtyObject,
  type CtyValue,
  type Diagnostic,
  type EncodedValue,
  type Schema,
} from '..';
import { createProviderServer, type TestProviderServer } from '../testing';

interface Item {
  id: string;
  name: string;
  size: number | null;
  secret: string;
}
interface Backend {
  items: Map<string, Item>;
  next: number;
  tickets: string[];
}

const { resource, dataSource, ephemeralResource } = forProvider<Backend>();

const itemSchema = defineSchema({
  version: 1,
  attributes: {
    id: { type: 'string', computed: true },
    name: { type: 'string', required: true, requiresReplace: true },
    size: { type: 'number', optional: true },
    secret: { type: 'string', computed: true, sensitive: true },
    password: { type: 'string', optional: true, writeOnly: true },
    tags: { type: ['map', 'string'], optional: true },
  },
});

const item = resource({
  typeName: 't_item',
  schema: itemSchema,
  validate({ config, diagnostics }) {
    const name = known(config.name);
    if (name !== undefined && name !== name.toLowerCase()) diagnostics.error('Invalid name', 'Use lowercase.', path('name'));
  },
  modifyPlan({ planned, diagnostics }) {
    if (planned && planned.size === 13) diagnostics.warning('Unlucky size', 'Size 13 works, but is unlucky.', path('size'));
  },
  create({ config, provider, private: priv }) {
    if (config.name === 'boom') throw new Error('backend exploded');
    if (config.name === 'refused') throw new DiagnosticError(error('Refused', 'The backend refused this name.', path('name')));
    if (config.name === 'half') return {};
    const id = `item-${provider.next++}`;
    const size = typeof config.size === 'number' ? config.size : null;
    provider.items.set(id, { id, name: config.name, size, secret: `s3cret-${id}` });
    priv.setJson({ created: id });
    return { id, secret: `s3cret-${id}` };
  },
  read({ state, provider }) {
    const found = state.id === null ? undefined : provider.items.get(state.id);
    if (!found) return null;
    if (found.name === 'unknowable') return { secret: UNKNOWN as unknown as string };
    return { name: found.name, size: found.size, secret: found.secret };
  },
  update({ planned, provider }) {
    const id = planned.id as string;
    const current = provider.items.get(id);
    if (current) current.size = typeof planned.size === 'number' ? planned.size : null;
    return {};
  },
  delete({ prior, provider }) {
    if (prior.id !== null) provider.items.delete(prior.id);
  },
  import({ id, provider }) {
    if (!provider.items.has(id)) throw new DiagnosticError(error('Not found', `No item "${id}".`));
    return { id };
  },
  upgradeState({ fromVersion, state }) {
    // Version 0 called the name "title".
    if (fromVersion === 0) {
      const { title, ...rest } = state;
      return { ...rest, name: title };
    }
    return state;
  },
});

const lookupSchema = defineSchema({ attributes: { id: { type: 'string', required: true }, name: { type: 'string', computed: true } } });
const lookup = dataSource({
  typeName: 't_lookup',
  schema: lookupSchema,
  read({ config, provider }) {
    const found = provider.items.get(config.id);
    if (!found) throw new DiagnosticError(error('Not found', `No item "${config.id}".`, path('id')));
    return { name: found.name };
  },
});

const ticketSchema = defineSchema({
  attributes: { name: { type: 'string', required: true }, value: { type: 'string', computed: true, sensitive: true } },
});
const ticket = ephemeralResource({
  typeName: 't_ticket',
  schema: ticketSchema,
  open({ config, provider, private: priv }) {
    provider.tickets.push(`open:${config.name}`);
    priv.setJson({ name: config.name });
    return { result: { value: `ticket-${config.name}` }, renewAt: new Date('2030-01-01T00:00:00.000Z') };
  },
  renew({ provider, private: priv }) {
    provider.tickets.push(`renew:${priv.getJson<{ name: string }>()?.name ?? ''}`);
    return { renewAt: new Date('2030-01-02T00:00:00.000Z') };
  },
  close({ provider, private: priv }) {
    provider.tickets.push(`close:${priv.getJson<{ name: string }>()?.name ?? ''}`);
  },
});

const providerSchema = defineSchema({ attributes: { api_key: { type: 'string', optional: true, sensitive: true } } });

function makeProvider(backend: Backend) {
  return defineProvider({
    typeName: 't',
    schema: providerSchema,
    validateConfig({ config, diagnostics }) {
      const key = known(config.api_key);
      if (typeof key === 'string' && key.length < 8) diagnostics.error('api_key too short', 'Use at least 8 characters.', path('api_key'));
    },
    configure({ config, diagnostics }) {
      if (config.api_key === 'rejected-key') diagnostics.error('Key rejected', 'The backend rejected the key.', path('api_key'));
      return backend;
    },
    resources: [item],
    dataSources: [lookup],
    ephemeralResources: [ticket],
  });
}

const CAPS: ClientCapabilities = { deferralAllowed: false, writeOnlyAttributesAllowed: true };
const NO_BYTES = Buffer.alloc(0);

/** Every attribute of the schema: the given value, else null (write-only ones included, as in config). */
function full(schema: Schema, values: Record<string, CtyValue>): CtyObject {
  return ctyObject(Object.keys(schema.block.attributes ?? {}).map((k) => [k, values[k] ?? null] as const));
}
function enc(schema: Schema, values: Record<string, CtyValue> | null): EncodedValue {
  return encodeValue(values === null ? null : full(schema, values), blockType(schema.block));
}
function dec(schema: Schema, value: EncodedValue | null): CtyObject | null {
  return decodeObjectValue(value, blockType(schema.block));
}
const summaries = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.severity}: ${d.summary}`);

let backend: Backend;
let server: TestProviderServer<Backend>;

async function configured(apiKey: CtyValue = 'a-good-key'): Promise<TestProviderServer<Backend>> {
  backend = { items: new Map(), next: 1, tickets: [] };
  server = createProviderServer(makeProvider(backend));
  const res = await server.configureProvider({
    terraformVersion: '1.11.4',
    config: enc(providerSchema, { api_key: apiKey }),
    clientCapabilities: CAPS,
  });
  expect(res.diagnostics).toEqual([]);
  return server;
}

beforeEach(async () => {
  await configured();
});

describe('provider RPCs', () => {
  test('GetMetadata lists every type and the server capabilities', async () => {
    const res = await server.getMetadata({});
    expect(res).toEqual({
      serverCapabilities: { planDestroy: false, getProviderSchemaOptional: true, moveResourceState: false },
      resources: ['t_item'],
      dataSources: ['t_lookup'],
      ephemeralResources: ['t_ticket'],
      functions: [],
      diagnostics: [],
    });
  });

  test('GetProviderSchema returns the schemas it was defined with', async () => {
    const res = await server.getProviderSchema({});
    expect(res.provider).toBe(providerSchema);
    expect(res.resourceSchemas.t_item).toBe(itemSchema);
    expect(res.dataSourceSchemas.t_lookup).toBe(lookupSchema);
    expect(res.ephemeralResourceSchemas.t_ticket).toBe(ticketSchema);
    expect(res.diagnostics).toEqual([]);
  });

  test.each<[string, CtyValue, string[], Diagnostic['path']]>([
    ['a known, valid key', 'long-enough-key', [], undefined],
    ['an unknown key (checked again later)', UNKNOWN, [], undefined],
    ['a null key', null, [], undefined],
    ['a short key', 'short', ['error: api_key too short'], [{ attribute: 'api_key' }]],
  ])('ValidateProviderConfig with %s', async (_what, key, expected, at) => {
    const res = await server.validateProviderConfig({ config: enc(providerSchema, { api_key: key }) });
    expect(summaries(res.diagnostics)).toEqual(expected);
    if (at) expect(res.diagnostics[0]?.path).toEqual(at);
  });

  test('ConfigureProvider errors fail the call and every later resource call', async () => {
    backend = { items: new Map(), next: 1, tickets: [] };
    server = createProviderServer(makeProvider(backend));
    const res = await server.configureProvider({
      terraformVersion: '1.11.4',
      config: enc(providerSchema, { api_key: 'rejected-key' }),
      clientCapabilities: CAPS,
    });
    expect(res.diagnostics).toEqual([
      { severity: 'error', summary: 'Key rejected', detail: 'The backend rejected the key.', path: [{ attribute: 'api_key' }] },
    ]);
    const read = await server.readResource({
      typeName: 't_item',
      currentState: enc(itemSchema, { id: 'item-1', name: 'a' }),
      private: NO_BYTES,
      clientCapabilities: CAPS,
    });
    expect(summaries(read.diagnostics)).toEqual(['error: Provider configuration failed']);
  });

  test('a resource call before ConfigureProvider is a diagnostic, not a crash', async () => {
    server = createProviderServer(makeProvider({ items: new Map(), next: 1, tickets: [] }));
    const res = await server.importResourceState({ typeName: 't_item', id: 'x', clientCapabilities: CAPS });
    expect(summaries(res.diagnostics)).toEqual(['error: Provider not configured']);
    expect(res.importedResources).toEqual([]);
  });

  test('StopProvider aborts the signal handed to provider methods', async () => {
    expect(server.stopSignal.aborted).toBe(false);
    expect(await server.stopProvider({})).toEqual({ error: '' });
    expect(server.stopSignal.aborted).toBe(true);
  });

  test('functions and resource identity are declined clearly', async () => {
    expect(await server.getFunctions({})).toEqual({ functions: {}, diagnostics: [] });
    expect(await server.callFunction({ name: 'f' })).toEqual({ error: { text: 'This provider defines no functions.' } });
    expect(await server.getResourceIdentitySchemas({})).toEqual({ identitySchemas: {}, diagnostics: [] });
    expect(summaries((await server.upgradeResourceIdentity({ typeName: 't_item', version: 0 })).diagnostics)).toEqual([
      'error: UpgradeResourceIdentity is not supported',
    ]);
  });
});

describe('managed resource RPCs', () => {
  test.each<[string, Record<string, CtyValue>, ClientCapabilities | null, string[], Diagnostic['path']]>([
    ['a valid config', { name: 'ok' }, CAPS, [], undefined],
    ['an unknown name', { name: UNKNOWN }, CAPS, [], undefined],
    ['an uppercase name', { name: 'Bad' }, CAPS, ['error: Invalid name'], [{ attribute: 'name' }]],
    [
      'a write-only value from a CLI without write-only support',
      { name: 'ok', password: 'pw' },
      { deferralAllowed: false, writeOnlyAttributesAllowed: false },
      ['error: Write-only attribute not supported'],
      [{ attribute: 'password' }],
    ],
  ])('ValidateResourceConfig with %s', async (_what, values, caps, expected, at) => {
    const res = await server.validateResourceConfig({ typeName: 't_item', config: enc(itemSchema, values), clientCapabilities: caps });
    expect(summaries(res.diagnostics)).toEqual(expected);
    if (at) expect(res.diagnostics[0]?.path).toEqual(at);
  });

  test('ValidateResourceConfig of an unknown type names the type', async () => {
    const res = await server.validateResourceConfig({ typeName: 't_nope', config: null, clientCapabilities: CAPS });
    expect(res.diagnostics).toEqual([
      { severity: 'error', summary: 'Unsupported resource type', detail: 'This provider has no resource type "t_nope".', path: undefined },
    ]);
  });

  test('a value of the wrong type becomes a diagnostic on its attribute', async () => {
    const wrongType = [
      'object',
      { ...Object.fromEntries(Object.keys(itemSchema.block.attributes ?? {}).map((k) => [k, 'string'])), tags: ['map', 'string'] },
    ] as const;
    const bytes = encodeMsgpack(full(itemSchema, { name: 'ok', size: 'not-a-number' }), wrongType as never);
    const res = await server.validateResourceConfig({ typeName: 't_item', config: { msgpack: bytes }, clientCapabilities: CAPS });
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0]).toMatchObject({ severity: 'error', summary: 'Invalid value', path: [{ attribute: 'size' }] });
  });

  test.each<[string, { version: number; json?: string; flatmap?: Record<string, string> }, (state: CtyObject | null) => void, string[]]>([
    [
      'state of the current version',
      { version: 1, json: '{"id":"item-1","name":"a","size":2}' },
      (s) => expect(s).toMatchObject({ id: 'item-1', name: 'a', size: 2, secret: null }),
      [],
    ],
    [
      'state of version 0, upgraded by the resource',
      { version: 0, json: '{"id":"item-1","title":"old"}' },
      (s) => expect(s).toMatchObject({ id: 'item-1', name: 'old' }),
      [],
    ],
    [
      'attributes the schema dropped',
      { version: 1, json: '{"id":"item-1","name":"a","legacy":true}' },
      (s) => expect(s && 'legacy' in s).toBe(false),
      [],
    ],
    ['no stored state', { version: 1 }, (s) => expect(s).toBeNull(), []],
    [
      'state from a newer provider',
      { version: 2, json: '{"id":"item-1"}' },
      (s) => expect(s).toBeNull(),
      ['error: Resource state from a newer provider'],
    ],
    ['pre-0.12 flatmap state', { version: 0, flatmap: { id: 'item-1' } }, (s) => expect(s).toBeNull(), ['error: Unsupported state format']],
  ])('UpgradeResourceState with %s', async (_what, raw, check, expected) => {
    const res = await server.upgradeResourceState({
      typeName: 't_item',
      version: raw.version,
      rawState: { json: raw.json === undefined ? undefined : Buffer.from(raw.json), flatmap: raw.flatmap },
    });
    expect(summaries(res.diagnostics)).toEqual(expected);
    check(dec(itemSchema, res.upgradedState));
  });

  test('PlanResourceChange for a create marks unset computed attributes unknown and nulls write-only ones', async () => {
    const config = { name: 'a', size: 1, password: 'pw' };
    const res = await server.planResourceChange({
      typeName: 't_item',
      priorState: enc(itemSchema, null),
      proposedNewState: enc(itemSchema, config),
      config: enc(itemSchema, config),
      priorPrivate: NO_BYTES,
      clientCapabilities: CAPS,
    });
    expect(res.diagnostics).toEqual([]);
    const planned = dec(itemSchema, res.plannedState);
    expect(planned?.id).toBeInstanceOf(Unknown);
    expect(planned?.secret).toBeInstanceOf(Unknown);
    expect(planned?.password).toBeNull();
    expect(planned?.name).toBe('a');
    expect(res.requiresReplace).toEqual([]);
  });

  test.each<[string, Record<string, CtyValue>, unknown[], string[]]>([
    ['nothing changed', { size: 1 }, [], []],
    ['size changed (updatable)', { size: 2 }, [], []],
    ['name changed (requires replacement)', { name: 'b', size: 1 }, [[{ attribute: 'name' }]], []],
    ['size is not known yet', { size: UNKNOWN }, [], []],
    ['size 13 (the resource warns)', { size: 13 }, [], ['warning: Unlucky size']],
  ])('PlanResourceChange for an update when %s', async (_what, change, replace, expected) => {
    const prior = { id: 'item-1', name: 'a', size: 1, secret: 's' };
    const proposed = { ...prior, ...change };
    const config = { name: proposed.name, size: proposed.size };
    const res = await server.planResourceChange({
      typeName: 't_item',
      priorState: enc(itemSchema, prior),
      proposedNewState: enc(itemSchema, proposed),
      config: enc(itemSchema, config),
      priorPrivate: Buffer.from('{"p":1}'),
      clientCapabilities: CAPS,
    });
    expect(summaries(res.diagnostics)).toEqual(expected);
    if (expected.length > 0) expect(res.diagnostics[0]?.path).toEqual([{ attribute: 'size' }]);
    expect(res.requiresReplace).toEqual(replace);
    expect(Buffer.from(res.plannedPrivate).toString()).toBe('{"p":1}');
    const planned = dec(itemSchema, res.plannedState);
    expect(planned?.id).toBe('item-1');
    if (change.size instanceof Unknown) expect(planned?.size).toBeInstanceOf(Unknown);
  });

  test('ApplyResourceChange create → read → update → delete', async () => {
    const config = { name: 'a', size: 1, password: 'pw' };
    const planned = { ...config, id: UNKNOWN, secret: UNKNOWN, password: null };
    const created = await server.applyResourceChange({
      typeName: 't_item',
      priorState: enc(itemSchema, null),
      plannedState: enc(itemSchema, planned),
      config: enc(itemSchema, config),
      plannedPrivate: NO_BYTES,
    });
    expect(created.diagnostics).toEqual([]);
    const state = dec(itemSchema, created.newState);
    expect(state).toMatchObject({ id: 'item-1', name: 'a', size: 1, secret: 's3cret-item-1', password: null, tags: null });
    expect(JSON.parse(Buffer.from(created.private).toString())).toEqual({ created: 'item-1' });

    backend.items.get('item-1')!.size = 5; // drift
    const read = await server.readResource({
      typeName: 't_item',
      currentState: created.newState,
      private: created.private,
      clientCapabilities: CAPS,
    });
    expect(read.diagnostics).toEqual([]);
    expect(dec(itemSchema, read.newState)).toMatchObject({ id: 'item-1', size: 5 });
    expect(read.private).toEqual(created.private);

    const updatedPlan = { ...state, size: 7 } as Record<string, CtyValue>;
    const updated = await server.applyResourceChange({
      typeName: 't_item',
      priorState: read.newState,
      plannedState: enc(itemSchema, updatedPlan),
      config: enc(itemSchema, { name: 'a', size: 7 }),
      plannedPrivate: read.private,
    });
    expect(updated.diagnostics).toEqual([]);
    expect(dec(itemSchema, updated.newState)).toMatchObject({ size: 7 });
    expect(backend.items.get('item-1')?.size).toBe(7);

    const deleted = await server.applyResourceChange({
      typeName: 't_item',
      priorState: updated.newState,
      plannedState: enc(itemSchema, null),
      config: enc(itemSchema, null),
      plannedPrivate: updated.private,
    });
    expect(deleted.diagnostics).toEqual([]);
    expect(dec(itemSchema, deleted.newState)).toBeNull();
    expect(backend.items.size).toBe(0);
  });

  test.each<[string, string, Diagnostic]>([
    [
      'a DiagnosticError keeps its summary and attribute path',
      'refused',
      { severity: 'error', summary: 'Refused', detail: 'The backend refused this name.', path: [{ attribute: 'name' }] },
    ],
    [
      'any other exception is an internal error without a stack trace',
      'boom',
      {
        severity: 'error',
        summary: 'Provider internal error',
        detail: expect.stringContaining('ApplyResourceChange failed: backend exploded') as unknown as string,
      },
    ],
  ])('ApplyResourceChange failure: %s; no state is invented', async (_what, name, diagnostic) => {
    const planned = { name, id: UNKNOWN, secret: UNKNOWN };
    const res = await server.applyResourceChange({
      typeName: 't_item',
      priorState: enc(itemSchema, null),
      plannedState: enc(itemSchema, planned),
      config: enc(itemSchema, { name }),
      plannedPrivate: NO_BYTES,
    });
    expect(res.diagnostics).toEqual([diagnostic]);
    expect(res.diagnostics[0]?.detail ?? '').not.toMatch(/\bat .+:\d+:\d+/);
    expect(dec(itemSchema, res.newState)).toBeNull();
  });

  test('ApplyResourceChange: planned unknowns the resource did not resolve become null, never unknown', async () => {
    const planned = { name: 'half', id: UNKNOWN, secret: UNKNOWN };
    const res = await server.applyResourceChange({
      typeName: 't_item',
      priorState: enc(itemSchema, null),
      plannedState: enc(itemSchema, planned),
      config: enc(itemSchema, { name: 'half' }),
      plannedPrivate: NO_BYTES,
    });
    expect(res.diagnostics).toEqual([]);
    expect(dec(itemSchema, res.newState)).toMatchObject({ name: 'half', id: null, secret: null });
  });

  test('ReadResource: a vanished object reads as null; a null state stays null; unknowns are refused', async () => {
    const gone = await server.readResource({
      typeName: 't_item',
      currentState: enc(itemSchema, { id: 'item-404', name: 'a' }),
      private: NO_BYTES,
      clientCapabilities: CAPS,
    });
    expect(gone.diagnostics).toEqual([]);
    expect(dec(itemSchema, gone.newState)).toBeNull();
    const none = await server.readResource({ typeName: 't_item', currentState: null, private: NO_BYTES, clientCapabilities: CAPS });
    expect(dec(itemSchema, none.newState)).toBeNull();
    backend.items.set('item-9', { id: 'item-9', name: 'unknowable', size: null, secret: 'x' });
    const bad = await server.readResource({
      typeName: 't_item',
      currentState: enc(itemSchema, { id: 'item-9', name: 'unknowable' }),
      private: NO_BYTES,
      clientCapabilities: CAPS,
    });
    expect(summaries(bad.diagnostics)).toEqual(['error: Provider returned an unknown value']);
    expect(bad.newState).toBeNull();
  });

  test.each<[string, string, string[], number]>([
    ['an existing id', 'item-1', [], 1],
    ['a missing id', 'item-404', ['error: Not found'], 0],
  ])('ImportResourceState with %s', async (_what, id, expected, count) => {
    backend.items.set('item-1', { id: 'item-1', name: 'a', size: null, secret: 's' });
    const res = await server.importResourceState({ typeName: 't_item', id, clientCapabilities: CAPS });
    expect(summaries(res.diagnostics)).toEqual(expected);
    expect(res.importedResources).toHaveLength(count);
    if (count > 0) {
      expect(res.importedResources[0]?.typeName).toBe('t_item');
      expect(dec(itemSchema, res.importedResources[0]?.state ?? null)).toMatchObject({ id: 'item-1', name: null });
    }
  });

  test('MoveResourceState is declined with a diagnostic', async () => {
    const res = await server.moveResourceState({ sourceTypeName: 'other_thing', targetTypeName: 't_item' });
    expect(summaries(res.diagnostics)).toEqual(['error: MoveResourceState is not supported']);
  });
});

describe('data source RPCs', () => {
  test.each<[string, Record<string, CtyValue>, string[]]>([
    ['a known id', { id: 'x' }, []],
    ['an unknown id', { id: UNKNOWN }, []],
  ])('ValidateDataResourceConfig with %s', async (_what, values, expected) => {
    const res = await server.validateDataResourceConfig({ typeName: 't_lookup', config: enc(lookupSchema, values) });
    expect(summaries(res.diagnostics)).toEqual(expected);
  });

  test('ReadDataSource returns the config plus what the source read', async () => {
    backend.items.set('item-1', { id: 'item-1', name: 'found', size: null, secret: 's' });
    const res = await server.readDataSource({
      typeName: 't_lookup',
      config: enc(lookupSchema, { id: 'item-1' }),
      clientCapabilities: CAPS,
    });
    expect(res.diagnostics).toEqual([]);
    expect(dec(lookupSchema, res.state)).toEqual({ id: 'item-1', name: 'found' });
  });

  test('ReadDataSource failure: the diagnostic names the attribute and no state is returned', async () => {
    const res = await server.readDataSource({
      typeName: 't_lookup',
      config: enc(lookupSchema, { id: 'item-404' }),
      clientCapabilities: CAPS,
    });
    expect(res.diagnostics).toEqual([
      { severity: 'error', summary: 'Not found', detail: 'No item "item-404".', path: [{ attribute: 'id' }] },
    ]);
    expect(res.state).toBeNull();
  });
});

describe('ephemeral resource RPCs', () => {
  test('ValidateEphemeralResourceConfig accepts unknowns and refuses unknown types', async () => {
    expect(
      (await server.validateEphemeralResourceConfig({ typeName: 't_ticket', config: enc(ticketSchema, { name: UNKNOWN }) })).diagnostics,
    ).toEqual([]);
    expect(summaries((await server.validateEphemeralResourceConfig({ typeName: 't_nope', config: null })).diagnostics)).toEqual([
      'error: Unsupported ephemeral resource type',
    ]);
  });

  test('Open → Renew → Close carry the private data and renewal times', async () => {
    const opened = await server.openEphemeralResource({
      typeName: 't_ticket',
      config: enc(ticketSchema, { name: 'n' }),
      clientCapabilities: CAPS,
    });
    expect(opened.diagnostics).toEqual([]);
    expect(dec(ticketSchema, opened.result)).toEqual({ name: 'n', value: 'ticket-n' });
    expect(opened.renewAt?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(opened.private).not.toBeNull();
    const renewed = await server.renewEphemeralResource({ typeName: 't_ticket', private: opened.private ?? NO_BYTES });
    expect(renewed).toMatchObject({ diagnostics: [], renewAt: new Date('2030-01-02T00:00:00.000Z') });
    const closed = await server.closeEphemeralResource({ typeName: 't_ticket', private: renewed.private ?? NO_BYTES });
    expect(closed.diagnostics).toEqual([]);
    expect(backend.tickets).toEqual(['open:n', 'renew:n', 'close:n']);
  });
});
