/**
 * "kv": a complete small provider written with this package. It keeps entries as files in a
 * directory: resource `kv_entry` writes one, data source `kv_entry` reads one. Everything a
 * provider needs is here: a provider schema and configure step, typed resource values,
 * validation with attribute paths, plan-time replacement, import, and clean errors.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DiagnosticError, defineProvider, defineSchema, error, forProvider, known, path, UNKNOWN } from '../../index';

/** What `configure` returns and every resource method receives as `provider`. */
export interface KvStore {
  directory: string;
}

const KEY = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

const { resource, dataSource } = forProvider<KvStore>();

function fileOf(store: KvStore, key: string): string {
  return join(store.directory, `${key}.txt`);
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function checkKey(
  key: string | null | undefined,
  diagnostics: { error(summary: string, detail: string, at: ReturnType<typeof path>): unknown },
): void {
  // undefined: not known yet (validation runs again once it is); null: Terraform reports it.
  if (typeof key === 'string' && !KEY.test(key)) {
    diagnostics.error(
      'Invalid key',
      'A key is 1–64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit.',
      path('key'),
    );
  }
}

export const entry = resource({
  typeName: 'kv_entry',
  schema: defineSchema({
    description: "One entry: a file `<key>.txt` holding `value` in the provider's directory.",
    attributes: {
      key: { type: 'string', required: true, requiresReplace: true, description: "The entry's name; changing it replaces the entry." },
      value: { type: 'string', required: true, description: 'The text stored under the key.' },
      sha256: { type: 'string', computed: true, description: 'SHA-256 of the value, hex.' },
      id: { type: 'string', computed: true, description: 'Same as key; import an entry by its key.' },
    },
  }),

  validate({ config, diagnostics }) {
    checkKey(known(config.key), diagnostics);
  },

  // The digest follows from the value, so the plan can show it: known when the value is,
  // unknown ("known after apply") when the value comes from something not applied yet.
  modifyPlan({ planned }) {
    if (planned === null) return; // destroy
    planned.sha256 = typeof planned.value === 'string' ? digest(planned.value) : UNKNOWN;
  },

  create({ config, provider }) {
    const file = fileOf(provider, config.key);
    if (existsSync(file)) {
      throw new DiagnosticError(
        error(
          'Entry already exists',
          `"${config.key}" exists already; import it with: terraform import kv_entry.NAME ${config.key}`,
          path('key'),
        ),
      );
    }
    writeFileSync(file, config.value);
    return { id: config.key, sha256: digest(config.value) };
  },

  read({ state, provider }) {
    const file = fileOf(provider, state.key ?? state.id ?? '');
    if (!existsSync(file)) return null; // deleted outside Terraform: plan creates it again
    const value = readFileSync(file, 'utf8');
    return { key: state.key ?? state.id, value, sha256: digest(value) };
  },

  update({ config, provider }) {
    writeFileSync(fileOf(provider, config.key), config.value);
    return { sha256: digest(config.value) };
  },

  delete({ prior, provider }) {
    if (prior.key !== null) rmSync(fileOf(provider, prior.key), { force: true });
  },

  import({ id, provider }) {
    if (!KEY.test(id) || !existsSync(fileOf(provider, id))) {
      throw new DiagnosticError(error('No such entry', `There is no entry "${id}" in ${provider.directory}.`));
    }
    return { id, key: id };
  },
});

export const entryData = dataSource({
  typeName: 'kv_entry',
  schema: defineSchema({
    description: 'Reads an existing entry.',
    attributes: {
      key: { type: 'string', required: true },
      value: { type: 'string', computed: true },
    },
  }),
  read({ config, provider }) {
    const file = fileOf(provider, config.key);
    if (!existsSync(file)) throw new DiagnosticError(error('No such entry', `There is no entry "${config.key}".`, path('key')));
    return { value: readFileSync(file, 'utf8') };
  },
});

export const kvProvider = defineProvider({
  typeName: 'kv',
  schema: defineSchema({
    attributes: {
      directory: { type: 'string', optional: true, description: 'Where entries live. Defaults to `KV_DIRECTORY`.' },
    },
  }),
  configure({ config, diagnostics }): KvStore {
    const configured = known(config.directory);
    const directory = configured ?? process.env.KV_DIRECTORY;
    if (!directory) {
      diagnostics.error(
        'Missing directory',
        'Set "directory" in the provider "kv" block or the KV_DIRECTORY environment variable.',
        path('directory'),
      );
      return { directory: '' };
    }
    mkdirSync(resolve(directory), { recursive: true });
    return { directory: resolve(directory) };
  },
  resources: [entry],
  dataSources: [entryData],
});
