// The page talks to the same /api/v1 endpoints as every other client, through the shared typed
// client (client/). The session cookie is sent by the browser; every state-changing request also
// carries the session's CSRF token.
import { ApiError, createClient, fetchTransport, NetworkError, type Schemas } from '../../client';

export { ApiError };
export type { FieldError, Problem } from '../../client';

export type SessionInfo = Schemas['Session'];
export type SessionUser = SessionInfo['user'];
export type PersonalAccessToken = Schemas['PersonalAccessToken'];
export type CreatedPersonalAccessToken = Schemas['CreatedPersonalAccessToken'];
export type ServiceAccount = Schemas['ServiceAccount'];
/** The policy with both limits present (the API always sends them; the page needs both). */
export type TokenPolicy = { personal_access_token: Required<NonNullable<Schemas['TokenPolicy']['personal_access_token']>> };

let csrfToken: string | null = null;
let onSessionLost: (() => void) | null = null;

export function useSession(session: SessionInfo | null): void {
  csrfToken = session?.csrf_token ?? null;
}

/** Called when any request comes back 401: the session expired or was ended elsewhere. */
export function whenSessionLost(callback: () => void): void {
  onSessionLost = callback;
}

const client = createClient({
  endpoint: '',
  transport: fetchTransport({ credentials: 'same-origin', cache: 'no-store' }),
  headers: (method): Record<string, string> => (method !== 'GET' && csrfToken !== null ? { 'X-CSRF-Token': csrfToken } : {}),
  // The page shows a failure and lets the person try again rather than repeating on its own.
  retries: 0,
});

/** Runs one call; turns an unreachable server into a status-0 ApiError and reports a lost session. */
async function guarded<T>(call: () => Promise<T>, signingIn = false): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof NetworkError) {
      throw new ApiError({
        type: 'about:blank',
        title: 'Network error',
        status: 0,
        detail: 'The server could not be reached. Check your connection and try again.',
      });
    }
    if (error instanceof ApiError && error.status === 401 && !signingIn && onSessionLost) onSessionLost();
    throw error;
  }
}

export const api = {
  signIn: (email: string, password: string) => guarded(() => client.post('/sessions', { body: { email, password } }), true),
  currentSession: () => guarded(() => client.get('/sessions/current')),
  signOut: () => guarded(() => client.delete('/sessions/current', { header: { 'X-CSRF-Token': csrfToken ?? '' } })),
  async tokenPolicy(): Promise<TokenPolicy> {
    const policy = await guarded(() => client.get('/token-policy'));
    const limits = policy.personal_access_token;
    if (limits?.min_expiration_days === undefined || limits.max_expiration_days === undefined) {
      throw new ApiError({
        type: 'about:blank',
        title: 'Unexpected answer',
        status: 0,
        detail: 'The server sent an incomplete token policy.',
      });
    }
    return { personal_access_token: { min_expiration_days: limits.min_expiration_days, max_expiration_days: limits.max_expiration_days } };
  },
  createToken: (name: string, expirationDays: number) =>
    guarded(() => client.post('/personal-access-tokens', { body: { name, expiration_days: expirationDays } })),
  revokeToken: (id: string) => guarded(() => client.delete('/personal-access-tokens/{id}', { path: { id } })),
  revokeAllTokens: () => guarded(() => client.delete('/personal-access-tokens')),
  me: () => guarded(() => client.get('/me')),
  listServiceAccounts: (): Promise<ServiceAccount[]> => guarded(() => client.all('/service-accounts', 'service_accounts')),
  listTokens: (): Promise<PersonalAccessToken[]> => guarded(() => client.all('/personal-access-tokens', 'personal_access_tokens')),
};
