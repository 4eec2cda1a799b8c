// CSRF defence for cookie-authenticated requests. SameSite=Strict already keeps other sites'
// requests cookie-less in current browsers; these checks make it hold without relying on that:
// 1. every state-changing request (anything but GET, HEAD, OPTIONS) must carry the session's
//    CSRF token in X-CSRF-Token. Another site cannot read it (same-origin policy, no CORS), and
//    a cross-site form cannot set a custom header at all;
// 2. if the browser says where the request comes from (Origin, Sec-Fetch-Site), it must be this
//    origin (or one the operator trusts). Sign-in gets this check too, against login CSRF.
//    "This origin" is the configured public URL when there is one, so it does not depend on the
//    Host and scheme a proxy forwards; otherwise it is derived from the request.
// Requests authenticated with a bearer token are not affected: nothing sends those ambiently.
import type { Request } from 'express';
import { ForbiddenError } from '../errors';
import { sameSecret } from './session-secret';

import { CSRF_HEADER } from '../contract/limits';

export { CSRF_HEADER };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export const csrfRefused = (detail: string): ForbiddenError => new ForbiddenError(detail, 'csrf-check-failed');

/** Which origins may make cookie-authenticated changes. */
export interface OriginPolicy {
  /** The origin of TESSERA_PUBLIC_URL; unset: the request's own (scheme and Host, as Express sees them). */
  publicOrigin?: string | undefined;
  trustedOrigins: readonly string[];
}

function requestOrigin(req: Request, policy: OriginPolicy): string | null {
  if (policy.publicOrigin !== undefined) return policy.publicOrigin;
  // req.host and req.protocol read X-Forwarded-Host/-Proto only from a trusted proxy.
  const host = req.host;
  if (!host) return null;
  try {
    return new URL(`${req.protocol}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Throws 403 when the browser reports a cross-site source for this request. */
export function checkRequestSource(req: Request, policy: OriginPolicy): void {
  const { trustedOrigins } = policy;
  const origin = req.get('origin');
  if (origin !== undefined) {
    const own = requestOrigin(req, policy);
    if (origin !== own && !trustedOrigins.includes(origin)) {
      throw csrfRefused('Cross-origin requests with a session cookie are not allowed.');
    }
  }
  const site = req.get('sec-fetch-site');
  // "none" is a user-initiated navigation (typed URL, bookmark); same-site is not same-origin.
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !(origin !== undefined && trustedOrigins.includes(origin))) {
    throw csrfRefused('Cross-site requests with a session cookie are not allowed.');
  }
}

/** The full check for a cookie-authenticated state-changing request. */
export function checkCsrf(req: Request, expectedToken: string, policy: OriginPolicy): void {
  if (!isStateChanging(req.method)) return;
  checkRequestSource(req, policy);
  const presented = req.get(CSRF_HEADER);
  if (presented === undefined || presented.length === 0) {
    throw csrfRefused(`A request made with a session cookie must send the session's CSRF token in the ${CSRF_HEADER} header.`);
  }
  if (!sameSecret(presented, expectedToken)) {
    throw csrfRefused(`The ${CSRF_HEADER} header does not match this session.`);
  }
}
