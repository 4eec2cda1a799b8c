/**
 * "tpt", a provider that exercises every feature of the protocol layer against a JSON file
 * store. Not shipped; the CLI tests drive it through the real terraform binary.
 */
import { randomBytes } from 'node:crypto';
import {
  blockType,
  ctyObject,
  decodeJsonValue,
  isNullOrUnknown,
  isPlainObject,
  DiagnosticError,
  defineDataSource,
  defineEphemeralResource,
  defineProvider,
  defineResource,
  defineSchema,
  encodeJsonValue,
  error,
  path,
  read,
  type CtyObject,
  type CtyValue,
} from '../../../provider/protocol';
import { Store } from './store';

export interface TptClient {
  store: Store;
}

const thingSchema = defineSchema({
  version: 1,
  description: 'A thing kept in the `TPT_STORE` file.',
  attributes: {
    id: { type: 'string', computed: true },
    name: { type: 'string', required: true, requiresReplace: true, description: 'Lowercase name; changing it replaces the thing.' },
    size: { type: 'number', optional: true },
    tags: { type: ['map', 'string'], optional: true },
    note: { type: 'string', optional: true, computed: true },
    secret: { type: 'string', computed: true, sensitive: true },
    password: { type: 'string', optional: true, writeOnly: true },
    updated_at: { type: 'string', computed: true, unknownOnUpdate: true },
    endpoint: {
      optional: true,
      nested: {
        nesting: 'single',
        attributes: { host: { type: 'string', required: true }, port: { type: 'number', optional: true, computed: true } },
      },
    },
    rules: {
      optional: true,
      nested: {
        nesting: 'list',
        attributes: { port: { type: 'number', required: true }, proto: { type: 'string', optional: true, computed: true } },
      },
    },
    labels: {
      optional: true,
      nested: { nesting: 'set', attributes: { key: { type: 'string', required: true }, value: { type: 'string', required: true } } },
    },
    extra: {
      optional: true,
      nested: { nesting: 'map', attributes: { value: { type: 'string', required: true } } },
    },
  },
  blocks: {
    limits: { nesting: 'single', block: { attributes: { cpu: { type: 'number', optional: true } } } },
    mount: {
      nesting: 'list',
      block: { attributes: { path: { type: 'string', required: true }, read_only: { type: 'bool', optional: true } } },
    },
    env: {
      nesting: 'set',
      block: { attributes: { name: { type: 'string', required: true }, value: { type: 'string', optional: true } } },
    },
  },
});
const thingType = blockType(thingSchema.block);

function nowText(): string {
  return new Date().toISOString();
}

/** Computed values of nested attributes are filled in by the "API", as a real one would. */
function fillNestedDefaults(planned: CtyObject): Partial<CtyObject> {
  const out: Partial<CtyObject> = {};
  const endpoint = planned.endpoint;
  if (isPlainObject(endpoint)) {
    out.endpoint = ctyObject({ ...endpoint, port: isNullOrUnknown(endpoint.port) ? 443 : (endpoint.port as CtyValue) });
  }
  const rules = planned.rules;
  if (Array.isArray(rules)) {
    out.rules = rules.map((r) => {
      const rule = r as CtyObject;
      return ctyObject({ ...rule, proto: typeof rule.proto === 'string' ? rule.proto : 'tcp' });
    });
  }
  return out;
}

const thing = defineResource<TptClient>({
  typeName: 'tpt_thing',
  schema: thingSchema,
  validate({ config, diagnostics }) {
    const name = config.name;
    if (typeof name === 'string' && name !== name.toLowerCase()) {
      diagnostics.error('Invalid name', 'The name must be lowercase.', path('name'));
    }
  },
  modifyPlan({ planned, prior, diagnostics }) {
    if (planned && prior && planned.note === 'replace-me') {
      diagnostics.warning('Note asks for replacement', 'The note "replace-me" forces a new thing.', path('note'));
    }
  },
  create({ planned, config, provider, private: priv, log }) {
    const id = provider.store.update((d) => `thing-${d.nextId++}`);
    const state: Partial<CtyObject> = {
      ...fillNestedDefaults(planned),
      id,
      note: typeof planned.note === 'string' ? planned.note : 'none',
      secret: `tpt-secret-${randomBytes(8).toString('hex')}`,
      updated_at: nowText(),
    };
    priv.setJson({ generation: 1 });
    log.debug('Created thing', { id, secret: state.secret as string });
    return save(provider, id, { ...planned, ...state } as CtyObject, 1, stringOrNull(read(config).raw('password')));
  },
  update({ planned, config, provider, private: priv }) {
    const previous = priv.getJson<{ generation: number }>();
    const generation = (previous?.generation ?? 0) + 1;
    priv.setJson({ generation });
    const state = { ...planned, ...fillNestedDefaults(planned), updated_at: nowText() } as CtyObject;
    if (typeof state.note !== 'string') state.note = 'none';
    return save(provider, read(planned).string('id'), state, generation, stringOrNull(config.password ?? null), previous);
  },
  read({ state, provider, private: priv }) {
    const id = read(state).string('id');
    const stored = provider.store.load().things[id];
    if (!stored) return null;
    provider.store.update((d) => {
      const t = d.things[id];
      if (t) t.privateSeen = priv.getJson();
    });
    return decodeJsonValue(stored.state, thingType) as CtyObject;
  },
  delete({ prior, provider }) {
    const id = read(prior).string('id');
    provider.store.update((d) => {
      delete d.things[id];
    });
  },
  import({ id, provider }) {
    if (!provider.store.load().things[id]) {
      throw new DiagnosticError(error('Cannot import non-existent remote object', `No thing with id "${id}" exists.`));
    }
    return { id };
  },
  upgradeState({ fromVersion, state }) {
    // Version 0 called the name "title" and had a "legacy" attribute that no longer exists.
    if (fromVersion === 0) {
      const { title, ...rest } = state;
      return { ...rest, name: title };
    }
    return state;
  },
});

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function save(
  client: TptClient,
  id: string,
  state: CtyObject,
  generation: number,
  password: string | null,
  privateSeen: unknown = null,
): CtyObject {
  const full = { ...state, password: null } as CtyObject;
  client.store.update((d) => {
    d.things[id] = { state: encodeJsonValue(full, thingType), generation, password, privateSeen };
  });
  return full;
}

const fault = defineResource<TptClient>({
  typeName: 'tpt_fault',
  schema: defineSchema({ attributes: { mode: { type: 'string', required: true }, id: { type: 'string', computed: true } } }),
  create({ planned }) {
    const mode = read(planned).string('mode');
    if (mode === 'throw') throw new Error('the fault resource failed on purpose');
    if (mode === 'diagnostic') throw new DiagnosticError(error('Fault requested', 'The mode asked for a diagnostic.', path('mode')));
    if (mode === 'unknown') return {};
    return { id: 'fault-ok' };
  },
  read({ state }) {
    return state;
  },
  delete() {},
});

/** Waits `delay_ms` unless StopProvider aborts it first: the Ctrl-C path. */
const slow = defineResource<TptClient>({
  typeName: 'tpt_slow',
  schema: defineSchema({ attributes: { delay_ms: { type: 'number', required: true }, id: { type: 'string', computed: true } } }),
  async create({ planned, signal }) {
    const delay = read(planned).integer('delay_ms');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new DiagnosticError(error('Creation interrupted', 'Terraform asked the provider to stop.')));
        },
        { once: true },
      );
    });
    return { id: 'slow-done' };
  },
  read({ state }) {
    return state;
  },
  delete() {},
});

const lookup = defineDataSource<TptClient>({
  typeName: 'tpt_lookup',
  schema: defineSchema({
    attributes: {
      id: { type: 'string', required: true },
      name: { type: 'string', computed: true },
      size: { type: 'number', computed: true },
      tags: { type: ['map', 'string'], computed: true },
    },
  }),
  read({ config, provider }) {
    const id = read(config).string('id');
    const stored = provider.store.load().things[id];
    if (!stored) throw new DiagnosticError(error('Thing not found', `No thing with id "${id}".`, path('id')));
    const state = decodeJsonValue(stored.state, thingType) as CtyObject;
    return { name: state.name ?? null, size: state.size ?? null, tags: state.tags ?? null };
  },
});

const ticket = defineEphemeralResource<TptClient>({
  typeName: 'tpt_ticket',
  schema: defineSchema({
    attributes: {
      name: { type: 'string', required: true },
      value: { type: 'string', computed: true, sensitive: true },
    },
  }),
  open({ config, provider, private: priv }) {
    const name = read(config).string('name');
    const value = `ticket-${name}-${randomBytes(6).toString('hex')}`;
    provider.store.update((d) => {
      const t = (d.tickets[name] ??= { name, value, opened: 0, renewed: 0, closed: 0 });
      t.value = value;
      t.opened += 1;
    });
    priv.setJson({ name });
    return { result: { value } };
  },
  renew({ provider, private: priv }) {
    const name = priv.getJson<{ name: string }>()?.name ?? '';
    provider.store.update((d) => {
      const t = d.tickets[name];
      if (t) t.renewed += 1;
    });
  },
  close({ provider, private: priv }) {
    const name = priv.getJson<{ name: string }>()?.name ?? '';
    provider.store.update((d) => {
      const t = d.tickets[name];
      if (t) t.closed += 1;
    });
  },
});

export const tptProvider = defineProvider<TptClient>({
  typeName: 'tpt',
  schema: defineSchema({
    attributes: {
      store_path: { type: 'string', optional: true, description: 'Defaults to $TPT_STORE.' },
      api_key: { type: 'string', optional: true, sensitive: true },
    },
  }),
  validateConfig({ config, diagnostics }) {
    const key = config.api_key;
    if (typeof key === 'string' && key.length < 8) diagnostics.error('api_key too short', 'Use at least 8 characters.', path('api_key'));
  },
  configure({ config, diagnostics, log }) {
    // Deliberately careless: the layer's redaction must hide the sensitive value.
    log.info(`Configuring with api_key=${String(config.api_key)}`);
    const storePath = (typeof config.store_path === 'string' ? config.store_path : undefined) ?? process.env.TPT_STORE;
    if (!storePath) {
      diagnostics.error('No store', 'Set store_path or TPT_STORE.', path('store_path'));
      return { store: new Store('/nonexistent') };
    }
    return { store: new Store(storePath) };
  },
  resources: [thing, fault, slow],
  dataSources: [lookup],
  ephemeralResources: [ticket],
  // Records each run, so tests see that StopProvider, Shutdown and SIGTERM reach the hook.
  onStop({ provider, reason }) {
    provider.store.update((d) => {
      d.stops = [...(d.stops ?? []), reason];
    });
  },
});
