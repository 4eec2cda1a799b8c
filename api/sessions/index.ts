// The session layer as the app uses it. Wiring (api/app.ts):
//   const sessions = createSessions({ db, clock, limiter, audit, logger, settings: sessionSettingsFromEnv() });
//   app.use('/api/v1/sessions', sessions.router);        // before the bearer-token middleware
//   ... and in that middleware, when no Authorization / API-Token header was sent:
//   const principal = await sessions.authenticate(req); // Principal | null (null → the usual 401)
import type { Request, Router } from 'express';
import type { Principal } from '../auth/principal';
import { checkCsrf } from './csrf';
import { readSessionCookie } from './session-cookie';
import { SessionService, type ActiveSession, type SessionDependencies } from './session-service';
import { sessionRouter } from './routes';

export interface Sessions {
  service: SessionService;
  /** Mount at /api/v1/sessions. */
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

export { SessionService, signInRefused, type ActiveSession, type SessionDependencies } from './session-service';
export { DEFAULT_SESSION_SETTINGS, sessionSettingsFromEnv, type SessionSettings } from './settings';
export { CSRF_HEADER } from './csrf';
export { SESSION_COOKIE, SECURE_SESSION_COOKIE } from './session-cookie';
