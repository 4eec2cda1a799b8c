// What an end-to-end test of a stack needs: the provider built and laid out in a filesystem
// mirror, a CLI configuration that installs from it, compiled stacks, and a real API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installProviderMirror } from '../../../scripts/cdktf-provider-schema';
import { requireTerraformBinary, writeMirrorCliConfig } from '../../../scripts/cdktf-terraform';
import { startTestApi, type TestApi } from './api';
import { buildProvider } from './provider-build';

export interface E2eEnvironment {
  readonly scratch: string;
  readonly cliConfigFile: string;
  readonly api: TestApi;
  close(): Promise<void>;
}

export async function startE2eEnvironment(compileStacks: () => Promise<void>): Promise<E2eEnvironment> {
  requireTerraformBinary();
  const scratch = mkdtempSync(path.join(tmpdir(), 'tessera-cdktf-e2e-'));
  const mirrorDir = path.join(scratch, 'mirror');
  const cliConfigFile = path.join(scratch, 'terraform.rc');
  try {
    await Promise.all([compileStacks(), buildProvider().then(() => installProviderMirror(mirrorDir))]);
    writeMirrorCliConfig(cliConfigFile, mirrorDir);
    const api = await startTestApi();
    return {
      scratch,
      cliConfigFile,
      api,
      close: async () => {
        await api.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}
