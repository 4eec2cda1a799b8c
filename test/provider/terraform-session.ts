/**
 * One terraform working directory wired to the tessera provider mirror and a test API:
 * TESSERA_ENDPOINT / TESSERA_API_TOKEN in the environment, the CLI configuration installing
 * tessera from the mirror only. Adds the assertions every provider scenario needs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTerraformWorkdir, type RunResult, type TerraformWorkdir } from '../support/terraform';
import { providerMirror } from './provider-mirror';
import { startTestApi, type TestApi } from '../support/api-server';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';

export interface TerraformSession extends TerraformWorkdir {
  /** `plan -detailed-exitcode`: 0 = no changes, 2 = changes; anything else throws. */
  plan(extraArgs?: string[], env?: Record<string, string | undefined>): Promise<RunResult & { changes: boolean }>;
  apply(extraArgs?: string[], env?: Record<string, string | undefined>): Promise<RunResult>;
  output(name: string): Promise<string>;
  /** `terraform show -json` of the state. */
  state(): Promise<StateJson>;
  /**
   * The stored attributes of a managed resource, read from terraform.tfstate (the local
   * backend's file) without starting terraform and the provider for `show -json`.
   */
  attributes(address: string): Promise<Record<string, unknown>>;
}

export interface StateResource {
  address: string;
  mode: string;
  type: string;
  name: string;
  values: Record<string, unknown>;
}

export interface StateJson {
  values?: { root_module?: { resources?: StateResource[] } };
}

export const BASE_ARGS = ['-no-color', '-input=false'];

/** A `versions.tf` for configurations written in tests: tessera/tessera from the mirror. */
export const VERSIONS_TF = 'terraform {\n  required_providers {\n    tessera = { source = "tessera/tessera" }\n  }\n}\n';

export async function terraformSession(
  api: Pick<TestApi, 'url' | 'adminToken'>,
  files: Record<string, string>,
  env: Record<string, string> = {},
): Promise<TerraformSession> {
  const mirror = await providerMirror();
  const workdir = await createTerraformWorkdir({
    mirrorDir: mirror.mirrorDir,
    providerSources: mirror.addresses,
    files,
    env: { TESSERA_ENDPOINT: api.url, TESSERA_API_TOKEN: api.adminToken, ...env },
  });
  const plan: TerraformSession['plan'] = async (extraArgs = [], runEnv) => {
    const result = await workdir.run(['plan', '-detailed-exitcode', ...BASE_ARGS, ...extraArgs], { env: runEnv });
    if (result.code !== 0 && result.code !== 2) {
      throw new Error(`terraform plan failed (${result.code})\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
    }
    return { ...result, changes: result.code === 2 };
  };
  return {
    ...workdir,
    plan,
    apply: (extraArgs = [], runEnv) => workdir.runOk(['apply', '-auto-approve', ...BASE_ARGS, ...extraArgs], { env: runEnv }),
    output: async (name) => (await workdir.runOk(['output', '-raw', name])).stdout,
    state: async () => JSON.parse((await workdir.runOk(['show', '-json'])).stdout) as StateJson,
    attributes: async (address) => {
      const [type, name] = address.split('.');
      const file = JSON.parse(await workdir.readFile('terraform.tfstate')) as {
        resources?: Array<{
          mode: string;
          type: string;
          name: string;
          instances: Array<{ attributes: Record<string, unknown>; deposed?: string }>;
        }>;
      };
      const resource = file.resources?.find((r) => r.mode === 'managed' && r.type === type && r.name === name);
      const instance = resource?.instances.find((i) => i.deposed === undefined);
      if (!instance) throw new Error(`${address} is not in terraform.tfstate`);
      return instance.attributes;
    },
  };
}

export function resourceValues(state: StateJson, address: string): Record<string, unknown> {
  const found = state.values?.root_module?.resources?.find((r) => r.address === address);
  if (!found) throw new Error(`${address} is not in the state`);
  return found.values;
}

/** Text of an example directory's files, for running the documented examples as they are. */
export function exampleFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (name.endsWith('.tf')) out[name] = readFileSync(join(dir, name), 'utf8');
  return out;
}

/** Output fit for matching: Terraform wraps long diagnostic lines. */
export function unwrap(text: string): string {
  return text.replace(/\s+/g, ' ');
}

export interface ProviderScenario {
  /** The file's test API (started in beforeAll). */
  readonly api: TestApi;
  /** An initialised terraform session against the API, removed after the file. */
  session(files: Record<string, string>, env?: Record<string, string>): Promise<TerraformSession>;
  /** A fault proxy in front of the API, stopped after the file. */
  proxy(): Promise<FaultProxy>;
}

/**
 * The frame of a provider scenario file: one test API, and terraform sessions and fault proxies
 * in front of it, all cleaned up after the file. Call it at the top level (it registers hooks).
 */
export function providerScenario(): ProviderScenario {
  let api: TestApi | undefined;
  const sessions: TerraformSession[] = [];
  const proxies: FaultProxy[] = [];
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    for (const s of sessions) s.cleanup();
    for (const p of proxies) await p.stop();
    await api?.stop();
  });
  const scenario: ProviderScenario = {
    get api(): TestApi {
      if (api === undefined) throw new Error('the scenario API starts in beforeAll');
      return api;
    },
    async session(files, env = {}) {
      const tf = await terraformSession(scenario.api, files, env);
      sessions.push(tf);
      await tf.runOk(['init', '-no-color', '-input=false']);
      return tf;
    },
    async proxy() {
      const p = await startFaultProxy(scenario.api.url);
      proxies.push(p);
      return p;
    },
  };
  return scenario;
}
