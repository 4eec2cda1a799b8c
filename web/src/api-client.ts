// The page talks to the same /api/v1 endpoints as every other client. The session cookie is
// sent by the browser; every state-changing request also carries the session's CSRF token.
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface SessionInfo {
  user: SessionUser;
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

export interface TokenPolicy {
  personal_access_token: { min_expiration_days: number; max_expiration_days: number };
}

export interface PersonalAccessToken {
  id: string;
  name: string;
  token_hint: string;
  expiration_days?: number;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}

export interface CreatedPersonalAccessToken extends PersonalAccessToken {
  token: string;
}

interface TokenPage {
  personal_access_tokens: PersonalAccessToken[];
  next_page_token: string | null;
}

let csrfToken: string | null = null;
let onSessionLost: (() => void) | null = null;

export function useSession(session: SessionInfo | null): void {
  csrfToken = session?.csrf_token ?? null;
}

/** Called when any request comes back 401: the session expired or was ended elsewhere. */
export function whenSessionLost(callback: () => void): void {
  onSessionLost = callback;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload as T;
  const problem = toProblem(payload, response);
  if (response.status === 401 && path !== '/sessions' && onSessionLost) onSessionLost();
  throw new ApiError(problem);
}

function toProblem(payload: unknown, response: Response): Problem {
  if (payload !== null && typeof payload === 'object' && 'title' in payload) {
    const candidate = payload as Partial<Problem>;
    return {
      type: typeof candidate.type === 'string' ? candidate.type : 'about:blank',
      title: String(candidate.title),
      status: typeof candidate.status === 'number' ? candidate.status : response.status,
      detail: typeof candidate.detail === 'string' ? candidate.detail : undefined,
      errors: Array.isArray(candidate.errors) ? candidate.errors : undefined,
    };
  }
  return { type: 'about:blank', title: response.statusText || 'Request failed', status: response.status };
}

export const api = {
  signIn: (email: string, password: string) => request<SessionInfo>('POST', '/sessions', { email, password }),
  currentSession: () => request<SessionInfo>('GET', '/sessions/current'),
  signOut: () => request<void>('DELETE', '/sessions/current'),
  tokenPolicy: () => request<TokenPolicy>('GET', '/token-policy'),
  createToken: (name: string, expirationDays: number) =>
    request<CreatedPersonalAccessToken>('POST', '/personal-access-tokens', {
      name,
      expiration_days: expirationDays,
    }),
  revokeToken: (id: string) => request<void>('DELETE', `/personal-access-tokens/${encodeURIComponent(id)}`),
  revokeAllTokens: () => request<{ revoked_count: number }>('DELETE', '/personal-access-tokens'),
  async listTokens(): Promise<PersonalAccessToken[]> {
    const tokens: PersonalAccessToken[] = [];
    let pageToken: string | null = null;
    do {
      const query: string = pageToken === null ? '' : `&page_token=${encodeURIComponent(pageToken)}`;
      const page: TokenPage = await request<TokenPage>('GET', `/personal-access-tokens?page_size=200${query}`);
      tokens.push(...page.personal_access_tokens);
      pageToken = page.next_page_token;
    } while (pageToken !== null);
    return tokens;
  },
};
