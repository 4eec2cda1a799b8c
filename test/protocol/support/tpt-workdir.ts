/** A terraform working directory wired to the tpt test provider and its own JSON store. */
import { join } from 'node:path';
import { createTerraformWorkdir, type TerraformWorkdir } from '../../support/terraform';
import type { StoreData } from '../test-provider/store';
import { testProviderMirror, TPT_SOURCE, type TestProviderMirror } from './test-provider-mirror';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const TPT_HEADER = `terraform {
  required_providers {
    tpt = { source = "test/tpt", version = "0.1.0" }
  }
}
`;

export interface TptWorkdir extends TerraformWorkdir {
  mirror: TestProviderMirror;
  storePath: string;
  store(): StoreData;
  writeStore(data: StoreData): void;
  /** The parsed terraform.tfstate. */
  state(): TfState;
}

export interface TfState {
  resources: Array<{
    mode: string;
    type: string;
    name: string;
    instances: Array<{ schema_version: number; attributes: Record<string, unknown>; private?: string }>;
  }>;
}

export async function createTptWorkdir(files: Record<string, string>, env: Record<string, string> = {}): Promise<TptWorkdir> {
  const mirror = await testProviderMirror();
  const work = await createTerraformWorkdir({ mirrorDir: mirror.mirrorDir, providerSources: [TPT_SOURCE], files, env });
  const storePath = join(work.dir, 'store.json');
  work.env.TPT_STORE = storePath;
  return Object.assign(work, {
    mirror,
    storePath,
    store: (): StoreData =>
      existsSync(storePath) ? (JSON.parse(readFileSync(storePath, 'utf8')) as StoreData) : { things: {}, tickets: {}, nextId: 1 },
    writeStore: (data: StoreData) => writeFileSync(storePath, JSON.stringify(data, null, 2)),
    state: (): TfState => JSON.parse(readFileSync(join(work.dir, 'terraform.tfstate'), 'utf8')) as TfState,
  });
}
