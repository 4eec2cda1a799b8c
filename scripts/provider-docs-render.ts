// Renders the provider's registry docs (docs/index.md, docs/resources/…, docs/data-sources/…,
// docs/ephemeral-resources/…) from the schema descriptions and the example configurations that
// the end-to-end tests run, in the layout and style of HashiCorp's tfplugindocs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CtyType } from '../provider/protocol/cty/types';
import type { AttributeSpec, Schema } from '../provider/protocol/schema/definition';
import { tesseraProvider } from '../provider/tessera/provider';
import { REPO_ROOT } from './provider-packaging';

type Kind = 'resource' | 'data-source' | 'ephemeral-resource';

interface DocPage {
  /** Path under docs/. */
  file: string;
  content: string;
}

/** Where each type's example lives (the directory the e2e tests apply). */
export const EXAMPLE_DIRS: Record<string, string> = {
  provider: 'provider/tessera/example',
  'resource:tessera_personal_access_token': 'provider/resources/personal-access-token/example',
  'ephemeral-resource:tessera_personal_access_token': 'provider/resources/personal-access-token-ephemeral/example',
  'data-source:tessera_current_user': 'provider/resources/current-user/example',
  'data-source:tessera_personal_access_tokens': 'provider/resources/personal-access-tokens/example',
  'resource:tessera_service_account': 'provider/resources/service-account/example',
  'data-source:tessera_service_account': 'provider/resources/service-account-data/example',
  'resource:tessera_team': 'provider/resources/team/example',
  'resource:tessera_user': 'provider/resources/user/example',
  'resource:tessera_team_membership': 'provider/resources/team-membership/example',
  'data-source:tessera_team': 'provider/resources/team-data-source/example',
  'data-source:tessera_user': 'provider/resources/user-data-source/example',
};

/** The usual import section: an import block, or the `terraform import` command. */
function importById(address: string, id: string, intro: string): string {
  return [
    '## Import',
    '',
    intro,
    '',
    '```terraform',
    'import {',
    `  to = ${address}`,
    `  id = "${id}"`,
    '}',
    '```',
    '',
    'or',
    '',
    '```shell',
    `terraform import ${address} ${id}`,
    '```',
    '',
  ].join('\n');
}

const IMPORT_SECTIONS: Record<string, string> = {
  'resource:tessera_personal_access_token': [
    '## Import',
    '',
    'Import an existing token by its id. The secret cannot be read back, so `token` stays null after import.',
    '',
    '```terraform',
    'import {',
    '  to = tessera_personal_access_token.deploy',
    '  id = "TOKEN_ID"',
    '}',
    '```',
    '',
    'or',
    '',
    '```shell',
    'terraform import tessera_personal_access_token.deploy TOKEN_ID',
    '```',
    '',
    '## When the answer to a create is lost',
    '',
    'Every token the provider creates carries `created_via` (`terraform-provider-tessera/VERSION`) and a fresh `client_reference`. ' +
      'If the API may have created a token but no answer arrives through any retry, the apply fails with ' +
      '"Outcome of creating the personal access token is unknown", naming the `client_reference`; ' +
      '`GET /api/v1/personal-access-tokens?client_reference=…` finds the token. Terraform keeps the resource as tainted.',
    '',
    'The next plan or apply settles it first: it re-sends the same create with the same Idempotency-Key (the API returns the original token, ' +
      "secret included, or makes it if the first request never arrived); once the API's idempotency window has passed it finds the token by " +
      'its `client_reference` instead (then `token` is null). The tainted token is then replaced, which revokes it: no token is left behind ' +
      'and none is made twice. To keep the recovered token instead, run `terraform untaint` on the resource before applying. ' +
      '`terraform destroy -refresh=false` revokes the token found by its `client_reference`.',
    '',
    '## When an apply is interrupted',
    '',
    'Ctrl-C in a terminal reaches Terraform and the provider alike; the provider ignores it and lets Terraform stop it. Creates in flight ' +
      'are then cancelled and recorded like a lost answer (above): the resources stay tainted with their `client_reference`, and the next ' +
      'apply settles them. Nothing is left behind and nothing is made twice.',
    '',
    'A provider process killed outright (`kill -9`, out of memory, a lost machine) cannot record anything. A create the API finished whose ' +
      'answer had not yet reached Terraform is then in no state: an orphan token. There is at most one per create in flight, so at most ' +
      '`-parallelism` (default 10) per killed run. Its secret never reached Terraform, and it expires after its `expiration_days`; to revoke ' +
      "it now, list the provider's tokens and take away those in the state:",
    '',
    '```shell',
    'terraform show -json | jq -r \'.. | objects | select(.type? == "tessera_personal_access_token") | .values.id\' | sort > in-state.txt',
    "tessera tokens list --created-via terraform-provider-tessera/VERSION -o json | jq -r '.[].id' | sort > made-by-provider.txt",
    'comm -23 made-by-provider.txt in-state.txt | xargs -r -n1 tessera tokens revoke',
    '```',
    '',
    '(`GET /api/v1/personal-access-tokens?created_via=terraform-provider-tessera%2FVERSION` is the same list.) If the same user runs the ' +
      'provider in other configurations or workspaces, add the ids in their states to `in-state.txt` first.',
    '',
  ].join('\n'),
  'resource:tessera_service_account': [
    importById(
      'tessera_service_account.deploy',
      'SERVICE_ACCOUNT_ID',
      'Import an existing service account by its id. Its token cannot be read back, so `token` stays null after import; `rotate_before_days` is not stored by the API, so the first apply after an import records it in the state (a plan without API calls). To get a known token, replace the resource (`terraform apply -replace=tessera_service_account.deploy`).',
    ),
    '## When the answer to a create is lost',
    '',
    'If the API may have created the service account but no answer arrives through any retry, the apply fails with ' +
      '"Outcome of creating the service account is unknown" and Terraform keeps the resource as tainted. The next plan or apply settles it first: ' +
      'it re-sends the same create with the same Idempotency-Key, and the API returns the account the first request made (token included) or makes it now; ' +
      "the tainted account is then replaced, which deletes it, so no live credential is left behind. Run it within the API's idempotency window. " +
      '`terraform destroy -refresh=false` does not settle it (a destroy never creates) and warns where to look instead.',
    '',
  ].join('\n'),
  'resource:tessera_team': importById('tessera_team.platform', 'TEAM_ID', 'Import an existing team by its id.'),
  'resource:tessera_user': [
    importById(
      'tessera_user.alice',
      'USER_ID',
      'Import an existing user by their id (find it with the `tessera_user` data source by email, or `GET /api/v1/users?email=…`). ' +
        'This is also how a user deactivated by an earlier destroy comes back under Terraform: Tessera keeps their email, so creating them again is refused; import them and leave `active` unset (or `true`) to reactivate them.',
    ),
    '## Destroy deactivates',
    '',
    '`terraform destroy` (or removing the resource from the configuration) does **not** delete the user: it sets `active = false`. ' +
      'Tessera never deletes users, so that the audit log keeps saying who did what. The deactivated user cannot sign in and all their tokens stop working at once. To stop managing a user without deactivating them, use a `removed` block (or `terraform state rm`) instead.',
    '',
  ].join('\n'),
  'resource:tessera_team_membership': importById(
    'tessera_team_membership.bob_deployers',
    'TEAM_ID/USER_ID',
    'Import an existing membership by `<team_id>/<user_id>` for a user, or `<team_id>/sa:<service_account_id>` for a service account.',
  ),
};

const KIND_TITLE: Record<Kind, string> = { resource: 'Resource', 'data-source': 'Data Source', 'ephemeral-resource': 'Ephemeral Resource' };
const KIND_DIR: Record<Kind, string> = {
  resource: 'resources',
  'data-source': 'data-sources',
  'ephemeral-resource': 'ephemeral-resources',
};

export function renderDocs(): DocPage[] {
  const pages: DocPage[] = [renderIndex()];
  for (const r of tesseraProvider.resources ?? []) pages.push(renderType('resource', r.typeName, r.schema));
  for (const d of tesseraProvider.dataSources ?? []) pages.push(renderType('data-source', d.typeName, d.schema));
  for (const e of tesseraProvider.ephemeralResources ?? []) pages.push(renderType('ephemeral-resource', e.typeName, e.schema));
  return pages;
}

function example(key: string): string {
  const dir = EXAMPLE_DIRS[key];
  if (!dir) throw new Error(`no example directory for ${key}`);
  return readFileSync(join(REPO_ROOT, dir, 'main.tf'), 'utf8').trimEnd();
}

function renderIndex(): DocPage {
  const description = tesseraProvider.schema.block.description ?? '';
  const content = [
    '---',
    'page_title: "tessera Provider"',
    'description: |-',
    `  ${description}`,
    '---',
    '',
    '# tessera Provider',
    '',
    description,
    '',
    "All settings may come from the environment (`TESSERA_ENDPOINT`, `TESSERA_API_TOKEN`, `TESSERA_REQUEST_TIMEOUT`). At configure time the provider checks the token with `GET /api/v1/me` and reads the server's token policy, so a wrong endpoint or an invalid, expired or revoked token fails early with an error that names the attribute and the variable. Requests are retried on connection errors, 429 and 502/503/504 with capped exponential backoff, honouring `Retry-After`, inside one deadline per provider operation (`request_timeout` / `TESSERA_REQUEST_TIMEOUT`, default 60s); when it passes, the error says how long was spent and how many attempts were made. Failures that retrying cannot fix — `https://` against a plain-HTTP server, an untrusted certificate — fail at once in words. An endpoint ending in `/api/v1` is accepted. The server's token policy is checked whenever a token is about to be created; tokens created under an earlier, looser policy only draw a warning, so `plan` and `destroy` keep working after an operator lowers `TESSERA_PAT_MAX_DAYS`. Secrets never appear in diagnostics or logs, including `TF_LOG=trace`.",
    '',
    '## Example Usage',
    '',
    '```terraform',
    example('provider'),
    '```',
    '',
    renderSchema(tesseraProvider.schema).trimEnd(),
    '',
  ].join('\n');
  return { file: 'index.md', content };
}

function renderType(kind: Kind, typeName: string, schema: Schema): DocPage {
  const short = typeName.replace(/^tessera_/, '');
  const key = `${kind}:${typeName}`;
  const description = schema.block.description ?? '';
  const parts = [
    '---',
    `page_title: "${typeName} ${KIND_TITLE[kind]} - tessera"`,
    'subcategory: ""',
    'description: |-',
    `  ${description}`,
    '---',
    '',
    `# ${typeName} (${KIND_TITLE[kind]})`,
    '',
    description,
    '',
    '## Example Usage',
    '',
    '```terraform',
    example(key),
    '```',
    '',
    renderSchema(schema).trimEnd(),
    '',
  ];
  const importSection = IMPORT_SECTIONS[key];
  if (importSection) parts.push(importSection);
  return { file: `${KIND_DIR[kind]}/${short}.md`, content: parts.join('\n') };
}

function renderSchema(schema: Schema): string {
  const attributes = Object.entries(schema.block.attributes ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const required = attributes.filter(([, a]) => a.required);
  const optional = attributes.filter(([, a]) => a.optional);
  const readOnly = attributes.filter(([, a]) => a.computed && !a.optional && !a.required);
  const out: string[] = ['## Schema', ''];
  const nested: string[] = [];
  for (const [title, group] of [
    ['Required', required],
    ['Optional', optional],
    ['Read-Only', readOnly],
  ] as const) {
    if (group.length === 0) continue;
    out.push(`### ${title}`, '');
    for (const [name, attribute] of group) {
      out.push(
        `- \`${name}\` (${typeLabel(attribute)}) ${attribute.description ?? ''}${objectElementAttributes(attribute.type) ? ` (see [below for nested schema](#nestedatt--${name}))` : ''}`.trimEnd(),
      );
      const objectAttributes = objectElementAttributes(attribute.type);
      if (objectAttributes) {
        nested.push(`<a id="nestedatt--${name}"></a>`, `### Nested Schema for \`${name}\``, '', 'Read-Only:', '');
        for (const [inner, innerType] of objectAttributes) nested.push(`- \`${inner}\` (${ctyLabel(innerType)})`);
        nested.push('');
      }
    }
    out.push('');
  }
  return [...out, ...nested].join('\n');
}

function typeLabel(attribute: AttributeSpec): string {
  const label = attribute.type === undefined ? 'Object' : ctyLabel(attribute.type);
  return attribute.sensitive ? `${label}, Sensitive` : label;
}

function ctyLabel(type: CtyType): string {
  if (typeof type === 'string') return type === 'bool' ? 'Boolean' : type.charAt(0).toUpperCase() + type.slice(1);
  switch (type[0]) {
    case 'list':
      return `List of ${ctyLabel(type[1])}`;
    case 'set':
      return `Set of ${ctyLabel(type[1])}`;
    case 'map':
      return `Map of ${ctyLabel(type[1])}`;
    case 'object':
      return 'Object';
    case 'tuple':
      return 'Tuple';
  }
}

/** The attribute names of a list/set of objects, for the nested-schema section. */
function objectElementAttributes(type: CtyType | undefined): Array<[string, CtyType]> | undefined {
  if (!Array.isArray(type) || (type[0] !== 'list' && type[0] !== 'set')) return undefined;
  const element = type[1];
  if (!Array.isArray(element) || element[0] !== 'object') return undefined;
  const attributes = element[1];
  return Object.keys(attributes)
    .sort()
    .map((name) => [name, attributes[name] as CtyType]);
}
