// Authentication middleware and the permission checks handlers use.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '../context';
import { type Authenticator, presentedSecret } from '../auth/authenticator';
import { DIRECTORY_ROLES, canReadDirectory, isSysAdmin, type Principal, type UserIdentity } from '../auth/principal';
import { ForbiddenError, UnauthenticatedError } from '../errors';

/**
 * A hook for other credential kinds (the web page's session cookie). It is consulted only when
 * no token header is present; it returns null when it has nothing to say.
 */
export type SessionAuthenticator = (req: Request, res: Response) => Promise<Principal | null>;

export function clientAddress(req: Request): string {
  // Without a trusted proxy req.ip is the socket's address; reading that directly skips
  // parsing X-Forwarded-For on every request only to ignore it.
  if (req.app.get('trust proxy') === false) return req.socket.remoteAddress ?? 'unknown';
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function authenticate(authenticator: Authenticator, sessions?: SessionAuthenticator): RequestHandler {
  // Synchronous when the token is in the auth cache: the hot path then costs no promise. Express
  // 5 forwards a rejection of the returned promise (and a synchronous throw) to the error handler.
  return (req: Request, res: Response, next: NextFunction): Promise<void> | void => {
    const secret = presentedSecret(req.headers as { authorization?: string; 'api-token'?: string | string[] });
    if (secret === undefined) {
      return (sessions ? sessions(req, res) : Promise.resolve(null)).then((principal) => {
        if (!principal) throw new UnauthenticatedError();
        res.locals['principal'] = principal;
        next();
      });
    }
    const principal = authenticator.authenticate(secret, clientAddress(req));
    if (principal instanceof Promise) {
      return principal.then((resolved) => {
        res.locals['principal'] = resolved;
        next();
      });
    }
    res.locals['principal'] = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals['principal'] as Principal | undefined;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

export function actorOf(req: Request, res: Response): Actor {
  const principal = principalOf(res);
  return {
    userId: principal.user?.id ?? null,
    serviceAccountId: principal.serviceAccount?.id ?? null,
    tokenId: principal.tokenId,
    sourceIp: clientAddress(req),
  };
}

export const SERVICE_ACCOUNT_PERSONAL_TOKENS_REFUSED =
  'Service accounts cannot create personal access tokens; use a personal access token, or create another service account.';

/**
 * The calling user, for the operations on "my personal tokens": a service account owns none and
 * may create none, whatever its teams' roles.
 */
export function requireUser(res: Response): UserIdentity {
  const user = principalOf(res).user;
  if (!user) throw new ForbiddenError(SERVICE_ACCOUNT_PERSONAL_TOKENS_REFUSED);
  return user;
}

/** A user or service account holding SysAdmin through a team. */
export function requireSysAdmin(res: Response): Principal {
  const principal = principalOf(res);
  if (!isSysAdmin(principal)) throw new ForbiddenError('This needs the SysAdmin role.', 'forbidden', ['SysAdmin']);
  return principal;
}

/** A user or service account holding any team role. */
export function requireDirectoryRead(res: Response): Principal {
  const principal = principalOf(res);
  if (!canReadDirectory(principal))
    throw new ForbiddenError('Reading users and teams needs a team role (SysAdmin, Member or ReadOnly).', 'forbidden', DIRECTORY_ROLES);
  return principal;
}
