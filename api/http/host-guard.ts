// Applies api/proxy/settings.ts to requests: the Host check, and HSTS over HTTPS.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hostAllowed, type HostPolicy } from '../proxy/settings';
import { HttpProblem, sendProblem } from './problem';

/**
 * Refuses a request addressed to a host this server does not answer for with 421 Misdirected
 * Request: the status HTTP defines for "this server is not authoritative for the requested
 * host", which tells a client the request reached the wrong server rather than that its content
 * was bad. A request without Host (HTTP/1.0) is not a browser's and passes.
 */
export function hostGuard(policy: HostPolicy): RequestHandler {
  const expected =
    policy.publicUrl !== undefined
      ? `${policy.publicUrl.host} (TESSERA_PUBLIC_URL)`
      : 'its IP addresses, localhost and the HOST it listens on; set TESSERA_PUBLIC_URL to the URL clients use';
  // Clients send a handful of distinct Host values; remembering the answers keeps the parse off
  // the hot path. Cleared when full, so a client varying Host cannot grow it.
  const decided = new Map<string, boolean>();
  const allowed = (host: string): boolean => {
    let answer = decided.get(host);
    if (answer === undefined) {
      answer = hostAllowed(host, policy);
      if (decided.size >= 256) decided.clear();
      decided.set(host, answer);
    }
    return answer;
  };
  return (req: Request, res: Response, next: NextFunction): void => {
    // req.host is the Host header, or X-Forwarded-Host when the peer is a trusted proxy.
    const host = req.host;
    if (host === undefined || allowed(host)) {
      next();
      return;
    }
    const shown = host.length > 100 ? `${host.slice(0, 100)}…` : host;
    sendProblem(
      res,
      new HttpProblem(
        421,
        'misdirected-request',
        'Misdirected Request',
        `This server does not answer for the host "${shown}"; it answers for ${expected}.`,
      ),
    );
  };
}

/** HSTS on every response that reached the client over HTTPS (directly, or via a trusted proxy). */
export function strictTransportSecurity(req: Request, res: Response, next: NextFunction): void {
  if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  next();
}
