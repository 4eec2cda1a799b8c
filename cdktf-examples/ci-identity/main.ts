// A machine identity for a CI pipeline: a team with the role the pipeline needs, a service
// account in that team whose token lives 90 days and is replaced automatically once fewer than
// 14 are left, and the token as a sensitive output for the CI system's secret store.
// Credentials are not in this file: the provider reads TESSERA_ENDPOINT and TESSERA_API_TOKEN
// from the environment when terraform runs, so cdk.tf.json never holds a secret.
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { provider, serviceAccount, team } from '@tessera/cdktf-provider-tessera';

export class CiIdentityStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new provider.TesseraProvider(this, 'tessera');

    const ciTeam = new team.Team(this, 'ci_team', {
      name: 'ci-pipelines',
      // Enough to run the Tessera configuration of an infrastructure repository from CI.
      role: 'SysAdmin',
    });

    const ci = new serviceAccount.ServiceAccount(this, 'ci', {
      name: 'ci-pipeline',
      expirationDays: 90,
      rotateBeforeDays: 14,
      teamIds: [ciTeam.id],
      // Rotation replaces the service account; creating the new one first means the pipeline
      // never holds a revoked secret.
      lifecycle: { createBeforeDestroy: true },
    });

    new TerraformOutput(this, 'service_account_id', { value: ci.id });
    new TerraformOutput(this, 'expires_at', {
      value: ci.expiresAt,
      description: 'When the CI token stops working (RFC 3339)',
    });
    // The generated classes do not carry the schema's sensitive flag, so say it here.
    new TerraformOutput(this, 'token', {
      value: ci.token,
      sensitive: true,
      description: "The service account's secret (tssvc_…); read it with: terraform output -raw token",
    });
  }
}

const app = new App();
new CiIdentityStack(app, 'ci-identity');
app.synth();
