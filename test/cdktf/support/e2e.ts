// What an end-to-end test of a stack needs: the provider built from the current sources in a
// filesystem mirror (shared with the provider's own e2e tests), a CLI configuration that installs
// from it, compiled stacks, and a real API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireTerraformBinary, writeMirrorCliConfig } from '../../../scripts/cdktf-terraform';
import { startTestApi, type TestApi } from '../../support/api-server';
import { providerMirror } from '../../provider/provider-mirror';

export interface E2eEnvironment {
  readonly scratch: string;
  readonly cliConfigFile: string;
  readonly mirrorDir: string;
  readonly api: TestApi;
  close(): Promise<void>;
}

export async function startE2eEnvironment(compileStacks: () => Promise<void>): Promise<E2eEnvironment> {
  requireTerraformBinary();
  const scratch = mkdtempSync(path.join(tmpdir(), 'tessera-cdktf-e2e-'));
  const cliConfigFile = path.join(scratch, 'terraform.rc');
  try {
    const [, { mirrorDir }] = await Promise.all([compileStacks(), providerMirror()]);
    writeMirrorCliConfig(cliConfigFile, mirrorDir);
    // Info level, as an operator's API logs: the tests check no secret reaches them.
    const api = await startTestApi({ logLevel: 'info' });
    return {
      scratch,
      cliConfigFile,
      mirrorDir,
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
