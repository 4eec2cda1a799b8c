// The session layer as the app uses it: a router for /api/v1/sessions and the hook that turns a
// session cookie into a Principal for createTessera's `sessionAuthenticator` option. The usual
// wiring is api/web/web-options.ts, which adds the page as well.
import type { Express, Request, Router } from 'express';
import type { Principal } from '../auth/principal';
import { checkCsrf } from './csrf';
import { readSessionCookie } from './session-cookie';
import { SessionService, type ActiveSession, type SessionDependencies } from './session-service';
import { sessionRouter } from './routes';

export const SESSIONS_PATH = '/api/v1/sessions';

export interface Sessions {
  service: SessionService;
  /** Mount at SESSIONS_PATH. */
  router: Router;
  /**
   * The principal of the request's session cookie, or null when it has none that is live.
   * Throws the 403 HttpProblem when a state-changing request fails the CSRF check.
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
    router: sessionRouter(service),
    async authenticate(req) {
      const secret = readSessionCookie(req);
      if (secret === undefined) return null;
      const session = await service.resume(secret);
      if (session === null) return null;
      checkCsrf(req, session.csrfToken, service.settings.trustedOrigins);
      byRequest.set(req, session);
      return session.principal;
    },
    sessionOf: (req) => byRequest.get(req),
  };
}

/** Creates the session layer and mounts its router on the app. */
export function installSessions(app: Express, deps: SessionDependencies): Sessions {
  const sessions = createSessions(deps);
  app.use(SESSIONS_PATH, sessions.router);
  return sessions;
}

export { SessionService, signInRefused, type ActiveSession, type SessionDependencies } from './session-service';
export { DEFAULT_SESSION_SETTINGS, sessionSettingsFromEnv, type SessionSettings } from './settings';
export { CSRF_HEADER } from './csrf';
export { SESSION_COOKIE, SECURE_SESSION_COOKIE } from './session-cookie';
export { ensureAdminPassword, ADMIN_PASSWORD_FILE, type AdminPasswordResult } from './admin-password';
export { setPasswordCommand, SET_PASSWORD_USAGE } from './set-password-command';
export { withSessionsOpenApi, SESSIONS_OPENAPI } from './openapi';
