// The ephemeral tokens this provider process opened and has not closed yet. Terraform skips
// CloseEphemeralResource when something downstream of the ephemeral resource failed, so the
// provider revokes whatever is still open when it is stopped or its process ends.
import type { StopRequest } from '../protocol/definition';
import type { TesseraClient } from './client';

export class OpenEphemeralTokens {
  private readonly open = new Set<string>();
  /** Revoked by `revokeAll`; a later Close for them has nothing left to do. */
  private readonly released = new Set<string>();

  opened(id: string): void {
    this.open.add(id);
  }

  /** Close is about to revoke `id`; false when the provider already revoked it on stop. */
  closing(id: string): boolean {
    this.open.delete(id);
    return !this.released.has(id);
  }

  /** Revokes every token still open, in parallel; bounded by the client's signal. */
  async revokeAll(client: TesseraClient, log: StopRequest<unknown>['log']): Promise<void> {
    const ids = [...this.open];
    this.open.clear();
    for (const id of ids) this.released.add(id);
    await Promise.all(
      ids.map(async (id) => {
        try {
          await client.revokePersonalAccessToken(id);
          log.info('revoked ephemeral personal access token that Terraform did not close', { id });
        } catch (failure) {
          // Nothing more can be done: the token now lives until its (short) expiry.
          log.warn('could not revoke an ephemeral personal access token on stop; it stays valid until it expires', {
            id,
            reason: failure instanceof Error ? failure.message : 'unknown',
          });
        }
      }),
    );
  }
}
