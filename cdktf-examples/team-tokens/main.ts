// Who am I (the tessera_current_user data source), and one token per purpose, built in a loop.
// The API token comes from a sensitive Terraform variable (TF_VAR_tessera_api_token), the
// endpoint from TESSERA_ENDPOINT: neither is written into cdk.tf.json.
import { App, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { dataTesseraCurrentUser, personalAccessToken, provider } from '@tessera/cdktf-provider-tessera';

/** What each token is for, and how long it lives (the server allows 1–30 days by default). */
const PURPOSES: ReadonlyArray<{ readonly purpose: string; readonly expirationDays: number }> = [
  { purpose: 'build', expirationDays: 7 },
  { purpose: 'deploy', expirationDays: 14 },
  { purpose: 'metrics', expirationDays: 30 },
];

export class TeamTokensStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const apiToken = new TerraformVariable(this, 'tessera_api_token', {
      type: 'string',
      sensitive: true,
      description: 'Tessera API token used by the provider (set TF_VAR_tessera_api_token)',
    });
    new provider.TesseraProvider(this, 'tessera', { apiToken: apiToken.stringValue });

    const me = new dataTesseraCurrentUser.DataTesseraCurrentUser(this, 'me');

    const tokens = PURPOSES.map(
      ({ purpose, expirationDays }) =>
        new personalAccessToken.PersonalAccessToken(this, `token_${purpose}`, {
          name: `${purpose} (${me.email})`,
          expirationDays,
        }),
    );

    new TerraformOutput(this, 'user_email', { value: me.email });
    new TerraformOutput(this, 'teams', { value: me.teams, description: 'Teams and roles of the caller' });
    new TerraformOutput(this, 'token_hints', {
      value: Object.fromEntries(PURPOSES.map(({ purpose }, i) => [purpose, tokens[i]?.tokenHint])),
    });
    new TerraformOutput(this, 'tokens', {
      value: Object.fromEntries(PURPOSES.map(({ purpose }, i) => [purpose, tokens[i]?.token])),
      sensitive: true,
    });
  }
}

const app = new App();
new TeamTokensStack(app, 'team-tokens');
app.synth();
