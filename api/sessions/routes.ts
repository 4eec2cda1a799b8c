// /api/v1/sessions: sign in (POST), read the current session with its CSRF token (GET current),
// sign out (DELETE current). These endpoints authenticate by cookie only.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { HttpProblem, sendProblem } from '../http/problem';
import { parseOrProblem } from '../http/validation';
import { checkCsrf, checkRequestSource } from './csrf';
import { PASSWORD_MAX_LENGTH } from './password-hash';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie';
import type { ActiveSession, SessionService } from './session-service';

const signInSchema = z
  .object({
    email: z
      .string({ error: 'must be the email address you sign in with' })
      .trim()
      .min(1, { error: 'must be the email address you sign in with' })
      .max(254, { error: 'must be at most 254 characters' }),
    password: z
      .string({ error: 'must be your password' })
      .min(1, { error: 'must be your password' })
      .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` }),
  })
  .strict();

export const noSession = (): HttpProblem =>
  new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'There is no active session: sign in first.', undefined, {
    'WWW-Authenticate': 'Bearer realm="tessera"',
  });

/** The client address used for rate limiting and the audit trail, as Express resolves it. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function sessionBody(session: ActiveSession): Record<string, unknown> {
  return {
    id: session.id,
    user: session.user,
    csrf_token: session.csrfToken,
    created_at: session.createdAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    idle_expires_at: session.idleExpiresAt.toISOString(),
  };
}

type Handler = (req: Request, res: Response) => Promise<void>;
const handle = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
  handler(req, res).catch(next);
};

export function sessionRouter(service: SessionService): Router {
  const router = express.Router();
  const trusted = service.settings.trustedOrigins;

  // Parses JSON itself so the router is correct wherever it is mounted; a no-op when the app
  // has parsed the body already.
  router.use(express.json({ limit: '16kb' }));

  const current = async (req: Request, res: Response): Promise<ActiveSession> => {
    const secret = readSessionCookie(req);
    const session = secret === undefined ? null : await service.resume(secret);
    if (session === null) {
      if (secret !== undefined) clearSessionCookie(req, res);
      throw noSession();
    }
    return session;
  };

  router.post(
    '/',
    handle(async (req, res) => {
      checkRequestSource(req, trusted);
      if (!req.is('application/json')) {
        throw new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the request body as application/json.');
      }
      const body = parseOrProblem(signInSchema, req.body);
      const { secret, session } = await service.signIn(body.email, body.password, clientAddress(req));
      setSessionCookie(req, res, secret);
      res.status(201).setHeader('Cache-Control', 'no-store').json(sessionBody(session));
    }),
  );

  router.get(
    '/current',
    handle(async (req, res) => {
      const session = await current(req, res);
      res.setHeader('Cache-Control', 'no-store').json(sessionBody(session));
    }),
  );

  router.delete(
    '/current',
    handle(async (req, res) => {
      const session = await current(req, res);
      checkCsrf(req, session.csrfToken, trusted);
      await service.signOut(session, clientAddress(req));
      clearSessionCookie(req, res);
      res.status(204).end();
    }),
  );

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const problem = toProblem(error);
    if (problem) sendProblem(res, problem);
    else next(error);
  });
  return router;
}

/** Known client mistakes become problem+json here; anything else goes on to the app's handler. */
function toProblem(error: unknown): HttpProblem | null {
  if (error instanceof HttpProblem) return error;
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return new HttpProblem(400, 'malformed-json', 'Bad Request', 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return new HttpProblem(413, 'payload-too-large', 'Content Too Large', 'The request body is larger than 16 KiB.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the request body as UTF-8 JSON.');
  }
  return null;
}
