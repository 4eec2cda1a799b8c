// The committed bindings in provider/cdktf/src are exactly what `cdktf:generate` makes from the
// schema of the provider built from the current sources: a schema change without regenerating
// fails here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CDKTF_TARGET, listFiles } from '../../scripts/cdktf-bindings';
import { bindingsSourceDir } from '../../scripts/cdktf-generate';
import { providerMirror } from '../provider/provider-mirror';
import { regenerateInto, staleFiles } from './support/regenerate';

const REGENERATE_HINT = 'the committed CDKTF bindings are stale: run `npm run cdktf:generate` and commit provider/cdktf/src';

let scratch: string;
let regenerated: string;
const committed = bindingsSourceDir(CDKTF_TARGET);

beforeAll(async () => {
  const { mirrorDir } = await providerMirror();
  scratch = mkdtempSync(path.join(tmpdir(), 'tessera-cdktf-drift-'));
  regenerated = path.join(scratch, 'src');
  await regenerateInto(CDKTF_TARGET, regenerated, mirrorDir);
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it('generates a binding for the provider, the resource and both data sources', () => {
  expect(listFiles(regenerated)).toEqual(
    expect.arrayContaining([
      'index.ts',
      'provider/index.ts',
      'personal-access-token/index.ts',
      'data-tessera-current-user/index.ts',
      'data-tessera-personal-access-tokens/index.ts',
    ]),
  );
  const resource = readFileSync(path.join(regenerated, 'personal-access-token/index.ts'), 'utf8');
  expect(resource).toContain('export class PersonalAccessToken extends cdktf.TerraformResource');
  expect(resource).toContain("terraformResourceType: 'tessera_personal_access_token'");
});

it('has committed the same files the generator makes now', () => {
  expect({ files: listFiles(committed), hint: REGENERATE_HINT }).toEqual({ files: listFiles(regenerated), hint: REGENERATE_HINT });
});

it('has committed the same contents the generator makes now', () => {
  expect({ stale: staleFiles(committed, regenerated), hint: REGENERATE_HINT }).toEqual({ stale: [], hint: REGENERATE_HINT });
});
