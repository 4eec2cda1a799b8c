// policy: the lifetimes the server allows (public; no token needed).
import type { Command } from 'commander';
import { resolveEndpoint } from '../config/credentials';
import { defineAction, jsonOutput, type Runtime } from '../program';

export function registerPolicyCommand(runtime: Runtime, program: Command): void {
  const policy = program
    .command('policy')
    .summary('show the allowed token lifetimes')
    .description('Show the token policy of the server: the lifetimes a personal access token may have.');
  jsonOutput(policy, 'the `TokenPolicy` object.');
  defineAction(runtime, policy, async (context) => {
    const profile = context.loadConfig().profiles[context.profileName()];
    const result = await context.clientFor(resolveEndpoint(context.env, profile)).get('/token-policy');
    const limits = result.personal_access_token;
    context.printer.fields(
      [['Personal access tokens', `${limits?.min_expiration_days ?? '?'}–${limits?.max_expiration_days ?? '?'} days`]],
      result,
    );
  });
}
