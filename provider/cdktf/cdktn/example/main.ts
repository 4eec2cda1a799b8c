// cdktn only (CDKTF 0.21 cannot express it): an ephemeral token for the length of one terraform
// run configures a second provider instance, which creates a long-lived deploy token. The
// long-lived TESSERA_API_TOKEN only opens the session; the session token is revoked when the run
// ends and is never written to state or plan.
import { App, TerraformOutput, TerraformStack } from 'cdktn';
import type { Construct } from 'constructs';
import { ephemeralTesseraPersonalAccessToken, personalAccessToken, provider } from '..';

export class SessionTokenStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Endpoint and token from TESSERA_ENDPOINT / TESSERA_API_TOKEN.
    const bootstrap = new provider.TesseraProvider(this, 'bootstrap', { alias: 'bootstrap' });
    const session = new ephemeralTesseraPersonalAccessToken.EphemeralTesseraPersonalAccessToken(this, 'session', {
      provider: bootstrap,
      name: 'terraform run session',
      expirationDays: 1,
    });
    const sessionProvider = new provider.TesseraProvider(this, 'session_provider', {
      alias: 'session',
      apiToken: session.token,
    });

    const deploy = new personalAccessToken.PersonalAccessToken(this, 'deploy', {
      provider: sessionProvider,
      name: 'deploy (made with a session token)',
      expirationDays: 7,
    });
    new TerraformOutput(this, 'deploy_token_hint', { value: deploy.tokenHint });
    new TerraformOutput(this, 'deploy_token', { value: deploy.token, sensitive: true });
  }
}

// Ephemeral resources exist from Terraform 1.10 and OpenTofu 1.11; cdktn refuses to synthesize
// them for a project that claims older versions.
const app = new App({ context: { targetVersions: { terraform: '>=1.10.0', opentofu: '>=1.11.0' } } });
new SessionTokenStack(app, 'session-token');
app.synth();
