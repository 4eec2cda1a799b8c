// GET /me: the caller, whatever credential they used.
import type { ServiceAccountIdentity } from '../auth/principal';
import type { MeView } from '../contract/me';
import { principalOf } from '../http/authenticate';
import type { HandlersFor } from '../http/operations';
import { sendJson } from '../http/send-json';

export function meHandlers(): HandlersFor<'getMe'> {
  return {
    getMe(_input, _req, res) {
      const principal = principalOf(res);
      const authenticatedBy = {
        type: principal.credentialType,
        token_id: principal.tokenId,
        expires_at: principal.expiresAt ? principal.expiresAt.toISOString() : null,
      };
      let body: MeView;
      if (principal.user) {
        const { id, email, name, teams } = principal.user;
        body = { id, email, name, teams, authenticated_by: authenticatedBy };
      } else {
        const { id, name, teams } = principal.serviceAccount as ServiceAccountIdentity;
        body = { id, email: null, name, teams, service_account: { id, name }, authenticated_by: authenticatedBy };
      }
      sendJson(res, body);
    },
  };
}
