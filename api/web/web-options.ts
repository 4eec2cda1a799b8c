// Everything issue 6 adds to an API instance, as createTessera options:
//   const tessera = await createTessera({ ...options, ...webPageOptions() });
// It mounts /api/v1/sessions and the page (/, /account, /sign-in, /assets/*) and lets the
// session cookie authenticate /api/v1 requests that carry no token header.
import type { TesseraOptions } from '../app';
import { installSessions, withSessionsOpenApi, type Sessions } from '../sessions';
import type { SessionSettings } from '../sessions/settings';
import { webPageRouter, type WebPageOptions } from './page-router';

export interface WebOptions extends WebPageOptions {
  sessionSettings?: Partial<SessionSettings>;
  /** Called once the session layer exists (tests use it to reach the service). */
  onSessions?: (sessions: Sessions) => void;
}

export function webPageOptions(options: WebOptions = {}): Required<Pick<TesseraOptions, 'sessionAuthenticator' | 'extraRoutes' | 'extendOpenApi'>> {
  // extraRoutes runs inside createTessera, before the first request can arrive, so the hook
  // below always finds the sessions set.
  let sessions: Sessions | undefined;
  return {
    sessionAuthenticator: async (req) => (sessions ? sessions.authenticate(req) : null),
    extraRoutes: (app, services) => {
      sessions = installSessions(app, { db: services.db, clock: services.clock, logger: services.logger, settings: options.sessionSettings });
      options.onSessions?.(sessions);
      app.use(webPageRouter({ root: options.root }));
    },
    // The served /api/v1/openapi.json must describe the session endpoints mounted above.
    extendOpenApi: withSessionsOpenApi,
  };
}
