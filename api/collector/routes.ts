// The collector handshake: machines authenticate with service-account tokens only, so a person's
// token pasted into a collector config is refused with a hint instead of quietly working.
import { Router, type Request, type Response } from 'express';
import { recordAudit } from '../audit/record';
import type { ServiceContext } from '../context';
import { actorOf, principalOf } from '../http/authenticate';
import { forbidden } from '../http/problem';

export const PERSONAL_TOKEN_REFUSED =
  'Personal access tokens cannot be used for the collector handshake. Use a service account token (create one with POST /api/v1/service-accounts).';

export function collectorRoutes(ctx: ServiceContext): Router {
  const router = Router();
  router.post('/collector/handshake', async (req: Request, res: Response) => {
    const principal = principalOf(res);
    if (principal.credentialType !== 'service_account' || !principal.serviceAccount) {
      await recordAudit(ctx.db, actorOf(req, res), ctx.clock.now(), 'collector.handshake', null, { refused: 'not a service account token' }, 'failure');
      throw forbidden(PERSONAL_TOKEN_REFUSED);
    }
    res.json({ service_account: { id: principal.serviceAccount.id, name: principal.serviceAccount.name } });
  });
  return router;
}
