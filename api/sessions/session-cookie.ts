// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page can
// make the browser send it), Path=/, no Domain, and no Max-Age (it ends with the browser; the
// server's idle and absolute limits end it sooner). Over TLS it is Secure and named with the
// __Host- prefix, which browsers only accept from a secure origin without a Domain, so a
// plain-HTTP page or a sibling subdomain cannot plant one.
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';

import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../contract/limits';

export { SECURE_SESSION_COOKIE, SESSION_COOKIE };

/** `req.secure` is Express's view: TLS here, or X-Forwarded-Proto from a proxy the app trusts. */
export function cookieNameFor(req: Request): string {
  return req.secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session secret presented by the browser, or undefined when it sent no session cookie. */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  try {
    return parseCookie(header)[cookieNameFor(req)];
  } catch {
    return undefined;
  }
}

export function setSessionCookie(req: Request, res: Response, secret: string): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie(cookieNameFor(req), secret, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' }),
  );
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.append(
    'Set-Cookie',
    stringifySetCookie(cookieNameFor(req), '', {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      expires: new Date(0),
      maxAge: 0,
    }),
  );
}
