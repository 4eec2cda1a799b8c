// Sessions: how people using the web page sign in. The cookie authenticates /api/v1 requests
// that carry no token header.
import { z } from 'zod';
import {
  CSRF_HEADER,
  DEFAULT_SESSION_ABSOLUTE_MS,
  DEFAULT_SESSION_IDLE_MS,
  PASSWORD_MAX_LENGTH,
  SECURE_SESSION_COOKIE,
  SESSION_COOKIE,
} from './limits';
import { ANY_REQUEST, NO_STORE, errors, jsonResponse, defineOperation } from './operation';
import { problem } from './problem';
import { timestamp, uuid } from './primitives';

export const SESSION_DESCRIPTION =
  `For people using the web page. Sign-in sets an HttpOnly, SameSite=Strict cookie \`${SESSION_COOKIE}\` ` +
  `(\`${SECURE_SESSION_COOKIE}\` and Secure over TLS) holding 256 random bits; the server keeps only their SHA-256. ` +
  `A session ends after ${DEFAULT_SESSION_IDLE_MS / 60000} idle minutes or ${DEFAULT_SESSION_ABSOLUTE_MS / 3600000} hours ` +
  '(TESSERA_SESSION_IDLE_MINUTES, TESSERA_SESSION_MAX_HOURS), at sign-out, when the password is set again, or when the user is deactivated. ' +
  `The cookie is used only when no Authorization or API-Token header is sent. Every cookie-authenticated request other than GET, HEAD ` +
  `and OPTIONS must send the session's \`csrf_token\` in \`${CSRF_HEADER}\`, and is refused (403, urn:tessera:problem:csrf-check-failed) ` +
  'without it, with a wrong one, or when Origin / Sec-Fetch-Site name another origin.';

const signInEmailMessage = 'must be the email address you sign in with';
const passwordMessage = 'must be your password';

export const signInBody = z.strictObject({
  email: z
    .string({ error: signInEmailMessage })
    .trim()
    .min(1, { error: signInEmailMessage })
    .max(254, { error: 'must be at most 254 characters' })
    .meta({ description: 'Matched without regard to case.' }),
  password: z
    .string({ error: passwordMessage })
    .min(1, { error: passwordMessage })
    .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` }),
});

export const session = z.object({
  id: uuid,
  user: z.object({ id: uuid, email: z.string(), name: z.string() }),
  csrf_token: z.string().meta({ description: `Send it as ${CSRF_HEADER} on every state-changing request made with the cookie.` }),
  created_at: timestamp,
  expires_at: timestamp.meta({ description: 'The absolute end of the session.' }),
  idle_expires_at: timestamp.meta({ description: 'When the session ends if it is not used before then.' }),
});
export type SessionView = z.infer<typeof session>;

const noSession = { description: 'No live session; a stale cookie is cleared.', body: problem, headers: errors(401)[401]?.headers };

export function sessionOperations() {
  const tag = 'Sessions';
  return [
    defineOperation({
      operationId: 'signIn',
      method: 'post',
      path: '/sessions',
      tag,
      summary: 'Sign in with email and password (the web page)',
      description:
        'Sets the session cookie and returns the session with its CSRF token. Every failure (unknown email, no password set, wrong ' +
        'password, deactivated user) is the same 401. After too many failures for one email, every attempt for it is 429 with ' +
        'Retry-After until the window passes; a wrong password from an address with too many failures is 429 too, a right one is not. ' +
        'Refused with 403 when Origin or Sec-Fetch-Site name another origin. Passwords are set with `npm run admin -- set-password`.',
      access: 'public',
      body: signInBody,
      responses: {
        201: jsonResponse('Signed in', session, {
          'Set-Cookie': { description: 'The session cookie.', schema: z.string() },
          'Cache-Control': NO_STORE,
        }),
        ...errors(400, 401, 403, 413, 415, 422, 429, 503),
      },
    }),
    defineOperation({
      operationId: 'getCurrentSession',
      method: 'get',
      path: '/sessions/current',
      tag,
      summary: 'The current session, with its CSRF token',
      description: 'Authenticated by the session cookie only.',
      access: 'session-cookie',
      responses: { 200: jsonResponse('OK', session, { 'Cache-Control': NO_STORE }), 401: noSession, ...errors(...ANY_REQUEST, 503) },
    }),
    defineOperation({
      operationId: 'signOut',
      method: 'delete',
      path: '/sessions/current',
      tag,
      summary: 'Sign out: ends the session on the server and clears the cookie',
      description: 'Authenticated by the session cookie only; needs the CSRF header.',
      access: 'session-cookie',
      headers: { [CSRF_HEADER]: { required: true, description: 'The csrf_token of the session.', schema: z.string() } },
      responses: { 204: { description: 'Signed out' }, 401: noSession, ...errors(...ANY_REQUEST, 403, 503) },
    }),
  ] as const;
}
