// /api/v1/sessions: sign in (POST), read the current session with its CSRF token (GET current),
// sign out (DELETE current). These endpoints authenticate by cookie only; their bodies arrive
// parsed and validated by the contract (api/contract/sessions.ts).
import type { Request, Response } from 'express';
import type { SessionView } from '../contract/sessions';
import { UnauthenticatedError } from '../errors';
import { clientAddress } from '../http/authenticate';
import { checkedFirst, type HandlersFor } from '../http/operations';
import { checkCsrf, checkRequestSource } from './csrf';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie';
import type { ActiveSession, SessionService } from './session-service';

export const noSession = (): UnauthenticatedError => new UnauthenticatedError('There is no active session: sign in first.');

export function sessionBody(session: ActiveSession): SessionView {
  return {
    id: session.id,
    user: session.user,
    csrf_token: session.csrfToken,
    created_at: session.createdAt.toISOString(),
    expires_at: session.expiresAt.toISOString(),
    idle_expires_at: session.idleExpiresAt.toISOString(),
  };
}

export function sessionHandlers(service: SessionService): HandlersFor<'signIn' | 'getCurrentSession' | 'signOut'> {
  const trusted = service.originPolicy;

  const current = async (req: Request, res: Response): Promise<ActiveSession> => {
    const secret = readSessionCookie(req);
    const session = secret === undefined ? null : await service.resume(secret);
    if (session === null) {
      if (secret !== undefined) clearSessionCookie(req, res);
      throw noSession();
    }
    return session;
  };

  return {
    // A cross-origin sign-in is refused whatever it sends (login CSRF), before its body is read.
    signIn: checkedFirst(
      (req) => checkRequestSource(req, trusted),
      async ({ body }, req, res) => {
        const { secret, session } = await service.signIn(body.email, body.password, clientAddress(req));
        setSessionCookie(req, res, secret);
        res.status(201).setHeader('Cache-Control', 'no-store').json(sessionBody(session));
      },
    ),

    async getCurrentSession(_input, req, res) {
      const session = await current(req, res);
      res.setHeader('Cache-Control', 'no-store').json(sessionBody(session));
    },

    async signOut(_input, req, res) {
      const session = await current(req, res);
      checkCsrf(req, session.csrfToken, trusted);
      await service.signOut(session, clientAddress(req));
      clearSessionCookie(req, res);
      res.status(204).end();
    },
  };
}
