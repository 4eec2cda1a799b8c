// /api/v1/sessions: sign in (POST), read the current session with its CSRF token (GET current),
// sign out (DELETE current). These endpoints authenticate by cookie only. Bodies arrive parsed
// (415/413/400 already handled by the app) and thrown problems go to the app's error handler.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { clientAddress } from '../http/authenticate';
import { bodyOf } from '../http/body';
import { HttpProblem } from '../http/problem';
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
      const body = parseOrProblem(signInSchema, bodyOf(req));
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

  return router;
}
