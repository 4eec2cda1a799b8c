// The committed registry docs must be exactly what the generator renders from the schema
// descriptions and the example configurations; otherwise they drift from the provider.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDocs } from '../../scripts/provider-docs-render';
import { REPO_ROOT } from '../../scripts/provider-packaging';

describe('provider docs', () => {
  const pages = renderDocs();

  it('covers the provider and every resource, data source and ephemeral resource', () => {
    expect(pages.map((p) => p.file).sort()).toEqual([
      'data-sources/current_user.md',
      'data-sources/personal_access_tokens.md',
      'data-sources/service_account.md',
      'data-sources/team.md',
      'data-sources/user.md',
      'ephemeral-resources/personal_access_token.md',
      'index.md',
      'resources/personal_access_token.md',
      'resources/service_account.md',
      'resources/team.md',
      'resources/team_membership.md',
      'resources/user.md',
    ]);
  });

  it.each(pages.map((p) => [p.file, p.content] as const))('docs/%s is up to date (npm run docs:generate)', (file, content) => {
    const committed = readFileSync(join(REPO_ROOT, 'docs', file), 'utf8');
    expect(committed).toBe(content);
  });

  it('documents every attribute with a description', () => {
    for (const page of pages) {
      for (const line of page.content.split('\n').filter((l) => /^- `[a-z_]+` \(/.test(l))) {
        if (page.content.includes('### Nested Schema') && /^- `[a-z_]+` \((String|Number|Boolean)\)$/.test(line)) continue;
        expect(line).toMatch(/\) \S/);
      }
    }
  });
});
