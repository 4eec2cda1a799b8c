// The collector handshake: machines authenticate with service-account tokens only, so a person's
// token pasted into a collector config is refused with a hint instead of quietly working.
import { recordAudit } from '../audit/record';
import type { ServiceContext } from '../context';
import { ForbiddenError } from '../errors';
import { actorOf, principalOf } from '../http/authenticate';
import type { HandlersFor } from '../http/operations';

export const PERSONAL_TOKEN_REFUSED =
  'Personal access tokens cannot be used for the collector handshake. Use a service account token (create one with POST /api/v1/service-accounts).';

export function collectorHandlers(ctx: ServiceContext): HandlersFor<'collectorHandshake'> {
  return {
    async collectorHandshake(_input, req, res) {
      const principal = principalOf(res);
      if (principal.credentialType !== 'service_account' || !principal.serviceAccount) {
        await recordAudit(
          ctx.db,
          actorOf(req, res),
          ctx.clock.now(),
          'collector.handshake',
          null,
          { refused: 'not a service account token' },
          'failure',
        );
        throw new ForbiddenError(PERSONAL_TOKEN_REFUSED);
      }
      res.json({ service_account: { id: principal.serviceAccount.id, name: principal.serviceAccount.name } });
    },
  };
}
