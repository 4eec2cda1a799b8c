// The session endpoints and the cookie scheme, for the API's OpenAPI document. Merged in by
// withSessionsOpenApi(openApiDocument(...)) so the document stays one place for clients.
import { CSRF_HEADER } from './csrf';
import { PASSWORD_MAX_LENGTH } from './password-hash';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from './session-cookie';
import { DEFAULT_SESSION_SETTINGS } from './settings';

type Schema = Record<string, unknown>;

const problem = (description: string): Schema => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const timestamp: Schema = { type: 'string', format: 'date-time' };

const SESSION_DESCRIPTION =
  `For people using the web page. Sign-in sets an HttpOnly, SameSite=Strict cookie \`${SESSION_COOKIE}\` ` +
  `(\`${SECURE_SESSION_COOKIE}\` and Secure over TLS) holding 256 random bits; the server keeps only their SHA-256. ` +
  `A session ends after ${DEFAULT_SESSION_SETTINGS.idleTimeoutMs / 60000} idle minutes or ${DEFAULT_SESSION_SETTINGS.absoluteTimeoutMs / 3600000} hours ` +
  '(TESSERA_SESSION_IDLE_MINUTES, TESSERA_SESSION_MAX_HOURS), at sign-out, when the password is set again, or when the user is deactivated. ' +
  `The cookie is used only when no Authorization or API-Token header is sent. Every cookie-authenticated request other than GET, HEAD ` +
  `and OPTIONS must send the session's \`csrf_token\` in \`${CSRF_HEADER}\`, and is refused (403, urn:tessera:problem:csrf-check-failed) ` +
  'without it, with a wrong one, or when Origin / Sec-Fetch-Site name another origin.';

const sessionSchema: Schema = {
  type: 'object',
  required: ['id', 'user', 'csrf_token', 'created_at', 'expires_at', 'idle_expires_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    user: {
      type: 'object',
      required: ['id', 'email', 'name'],
      properties: { id: { type: 'string', format: 'uuid' }, email: { type: 'string' }, name: { type: 'string' } },
    },
    csrf_token: { type: 'string', description: `Send it as ${CSRF_HEADER} on every state-changing request made with the cookie.` },
    created_at: timestamp,
    expires_at: { ...timestamp, description: 'The absolute end of the session.' },
    idle_expires_at: { ...timestamp, description: 'When the session ends if it is not used before then.' },
  },
};

export const SESSIONS_OPENAPI = {
  securitySchemes: {
    session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: SESSION_DESCRIPTION },
  },
  schemas: {
    SignIn: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'password'],
      properties: {
        email: { type: 'string', maxLength: 254, description: 'Matched without regard to case.' },
        password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH },
      },
    },
    Session: sessionSchema,
  },
  paths: {
    '/sessions': {
      post: {
        summary: 'Sign in with email and password (the web page)',
        description:
          'Sets the session cookie and returns the session with its CSRF token. Every failure (unknown email, no password set, wrong ' +
          'password, deactivated user) is the same 401. Failed sign-ins count toward a per-address limit (429 with Retry-After). ' +
          'Refused with 403 when Origin or Sec-Fetch-Site name another origin. Passwords are set with `npm run admin -- set-password`.',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SignIn' } } } },
        responses: {
          201: {
            description: 'Signed in',
            headers: { 'Set-Cookie': { schema: { type: 'string' }, description: 'The session cookie.' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } },
          },
          400: problem('Malformed JSON.'),
          401: problem('The email or password is incorrect.'),
          403: problem('Cross-origin sign-in.'),
          415: problem('Not application/json.'),
          422: problem('Missing or malformed email or password.'),
          429: problem('Too many failed sign-ins from this address.'),
        },
      },
    },
    '/sessions/current': {
      get: {
        summary: 'The current session, with its CSRF token',
        security: [{ session: [] }],
        responses: {
          200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } } },
          401: problem('No live session; the stale cookie is cleared.'),
        },
      },
      delete: {
        summary: 'Sign out: ends the session on the server and clears the cookie',
        security: [{ session: [] }],
        parameters: [{ name: CSRF_HEADER, in: 'header', required: true, schema: { type: 'string' } }],
        responses: { 204: { description: 'Signed out' }, 401: problem('No live session.'), 403: problem('CSRF check failed.') },
      },
    },
  },
} as const;

interface OpenApiDocument {
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, unknown> };
  paths?: Record<string, unknown>;
  security?: unknown[];
  [key: string]: unknown;
}

/** Adds the session endpoints, schemas and cookie scheme to the API's OpenAPI document. */
export function withSessionsOpenApi<T extends OpenApiDocument>(document: T): T {
  return {
    ...document,
    security: [...(document.security ?? []), { session: [] }],
    components: {
      ...document.components,
      securitySchemes: { ...document.components?.securitySchemes, ...SESSIONS_OPENAPI.securitySchemes },
      schemas: { ...document.components?.schemas, ...SESSIONS_OPENAPI.schemas },
    },
    paths: { ...document.paths, ...SESSIONS_OPENAPI.paths },
  };
}
