// Runs terraform on a synthesized stack, and asks the API what became of the tokens.
import { TerraformCommandError, runTerraform, type TerraformResult } from '../../../scripts/cdktf-terraform';
import type { SynthesizedStack } from './stacks';

/** A synthesized stack and the terraform commands run on it, with the given credentials. */
export class StackRun {
  constructor(
    readonly stack: SynthesizedStack,
    private readonly cliConfigFile: string,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  terraform(args: readonly string[]): Promise<TerraformResult> {
    return runTerraform(args, { dir: this.stack.stackDir, cliConfigFile: this.cliConfigFile, env: this.env, timeoutMs: 300_000 });
  }

  async output<T>(name: string): Promise<T> {
    return JSON.parse((await this.terraform(['output', '-json', name])).stdout) as T;
  }

  /** `plan -detailed-exitcode`: 0 means no changes, 2 means changes. */
  async planExitCode(): Promise<number> {
    try {
      return (await this.terraform(['plan', '-detailed-exitcode'])).code;
    } catch (error) {
      if (error instanceof TerraformCommandError && error.result.code === 2) return 2;
      throw error;
    }
  }
}

export interface Me {
  readonly email: string;
  readonly teams: ReadonlyArray<{ readonly id: string; readonly name: string; readonly role: string }>;
  readonly authenticated_by: { readonly type: string; readonly token_id: string; readonly expires_at: string | null };
}

/** GET /api/v1/me with `secret`: 200 and the caller while the token works, 401 once revoked. */
export async function getMe(apiUrl: string, secret: string): Promise<{ status: number; body: Me | undefined }> {
  const response = await fetch(new URL('/api/v1/me', apiUrl), { headers: { Authorization: `Bearer ${secret}` } });
  return { status: response.status, body: response.ok ? ((await response.json()) as Me) : undefined };
}

export interface TokenMetadata {
  readonly id: string;
  readonly name: string;
}

/** The active tokens of the owner of `secret`. */
export async function listActiveTokens(apiUrl: string, secret: string): Promise<TokenMetadata[]> {
  const response = await fetch(new URL('/api/v1/personal-access-tokens?page_size=200', apiUrl), {
    headers: { Authorization: `Bearer ${secret}` },
  });
  if (!response.ok) throw new Error(`listing tokens: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { personal_access_tokens: TokenMetadata[] }).personal_access_tokens;
}

export interface AuditEvent {
  readonly action: string;
  /** The token that authenticated the request. */
  readonly token_id: string | null;
  readonly target_id: string | null;
  readonly details: Record<string, unknown>;
}

/** Audit events with this action (first page, newest first); needs a SysAdmin secret. */
export async function listAuditEvents(apiUrl: string, adminSecret: string, action: string): Promise<AuditEvent[]> {
  const url = new URL('/api/v1/audit-events', apiUrl);
  url.searchParams.set('action', action);
  url.searchParams.set('page_size', '200');
  const response = await fetch(url, { headers: { Authorization: `Bearer ${adminSecret}` } });
  if (!response.ok) throw new Error(`listing audit events: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { audit_events: AuditEvent[] }).audit_events;
}
