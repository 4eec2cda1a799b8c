// What `npm start` adds to an API instance for people, as createTessera options:
//   const tessera = await createTessera({ ...options, ...webPageOptions() });
// It serves the page (/, /account, /sign-in, /assets/*) and sets the session lifetimes. The
// session endpoints themselves are part of every instance's API (api/contract/sessions.ts).
import type { TesseraOptions } from '../app';
import type { Sessions } from '../sessions';
import type { SessionSettings } from '../sessions/settings';
import { webPageRouter, type WebPageOptions } from './page-router';

export interface WebOptions extends WebPageOptions {
  sessionSettings?: Partial<SessionSettings>;
  /** Called once the session layer exists (tests use it to reach the service). */
  onSessions?: (sessions: Sessions) => void;
}

export function webPageOptions(options: WebOptions = {}): Pick<TesseraOptions, 'sessionSettings' | 'extraRoutes'> {
  return {
    ...(options.sessionSettings ? { sessionSettings: options.sessionSettings } : {}),
    extraRoutes: (app, services) => {
      options.onSessions?.(services.sessions);
      app.use(webPageRouter({ root: options.root }));
    },
  };
}
