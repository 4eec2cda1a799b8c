// The session layer as the app uses it: the handlers of the /api/v1/sessions operations and the
// check that turns a session cookie into a Principal for requests without a token header.
// createTessera mounts both like any other feature.
import type { Request } from 'express';
import type { Principal } from '../auth/principal';
import { checkCsrf } from './csrf';
import { readSessionCookie } from './session-cookie';
import { SessionService, type ActiveSession, type SessionDependencies } from './session-service';
import { sessionHandlers } from './routes';

export const SESSIONS_PATH = '/api/v1/sessions';

export interface Sessions {
  service: SessionService;
  /** The handlers of the session operations. */
  handlers: ReturnType<typeof sessionHandlers>;
  /**
   * The principal of the request's session cookie, or null when it has none that is live.
   * Throws a ForbiddenError (403) when a state-changing request fails the CSRF check.
   */
  authenticate(req: Request): Promise<Principal | null>;
  /** The session behind a request that `authenticate` accepted. */
  sessionOf(req: Request): ActiveSession | undefined;
}

export function createSessions(deps: SessionDependencies): Sessions {
  const service = new SessionService(deps);
  const byRequest = new WeakMap<Request, ActiveSession>();
  return {
    service,
    handlers: sessionHandlers(service),
    async authenticate(req) {
      const secret = readSessionCookie(req);
      if (secret === undefined) return null;
      const session = await service.resume(secret);
      if (session === null) return null;
      checkCsrf(req, session.csrfToken, service.originPolicy);
      byRequest.set(req, session);
      return session.principal;
    },
    sessionOf: (req) => byRequest.get(req),
  };
}

export { SessionService, signInRefused, type ActiveSession, type SessionDependencies } from './session-service';
export { DEFAULT_SESSION_SETTINGS, sessionSettingsFromEnv, type SessionSettings } from './settings';
export { CSRF_HEADER } from './csrf';
export { SESSION_COOKIE, SECURE_SESSION_COOKIE } from './session-cookie';
export { ensureAdminPassword, ADMIN_PASSWORD_FILE, type AdminPasswordResult } from './admin-password';
export { setPasswordCommand, SET_PASSWORD_USAGE } from './set-password-command';

/**
 * The OpenAPI document as it is: it has described the session endpoints since they became part
 * of the contract (api/contract/sessions.ts). Kept for callers that still merge them in.
 */
export function withSessionsOpenApi<T>(document: T): T {
  return document;
}
