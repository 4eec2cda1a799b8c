// A token for a CI pipeline: 30 days long, replaced automatically once fewer than 7 days are left.
// Credentials are not in this file: the provider reads TESSERA_ENDPOINT and TESSERA_API_TOKEN
// from the environment when terraform runs, so cdk.tf.json never holds a secret.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { personalAccessToken, provider } from '@tessera/cdktf-provider-tessera';

export class CiTokenStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new provider.TesseraProvider(this, 'tessera');

    const token = new personalAccessToken.PersonalAccessToken(this, 'ci', {
      name: 'ci-deploy',
      expirationDays: 30,
      rotateBeforeDays: 7,
      // Rotation replaces the token; creating the new one first means the pipeline never holds
      // a revoked secret.
      lifecycle: { createBeforeDestroy: true },
    });

    new TerraformOutput(this, 'expires_at', {
      value: token.expiresAt,
      description: 'When the CI token stops working (RFC 3339)',
    });
    new TerraformOutput(this, 'token_hint', { value: token.tokenHint });
    // The generated classes do not carry the schema's sensitive flag, so say it here.
    new TerraformOutput(this, 'token', {
      value: token.token,
      sensitive: true,
      description: 'The secret; read it with: terraform output -raw token',
    });
  }
}

const app = new App();
new CiTokenStack(app, 'ci-token');
app.synth();
