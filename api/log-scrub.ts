// The one scrubber every log line passes through on its way out (see logger.ts). It works on
// the serialised line, so it does not matter under which key, header name or message a secret
// arrived: anything shaped like a Tessera secret, a session cookie value or an Authorization
// value is replaced, and stack frames are cut off.
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from './contract/limits';

const SECRET = /ts(?:pat|svc)_[0-9A-Za-z]+/g;
// Any `<scheme> <credentials>` where the scheme is an HTTP authentication scheme name; the
// credentials run to the end of the JSON string or the next separator.
const AUTH_SCHEMES =
  'Bearer|Basic|Digest|Token|Negotiate|NTLM|HOBA|Mutual|ApiKey|Api-Key|AWS4-HMAC-SHA256|SCRAM-SHA-1|SCRAM-SHA-256|DPoP|PrivateToken|OAuth';
// After a space, credentials hold a digit or a symbol, or are long: "Token verification failed"
// keeps its words. URL-encoded (`Bearer%20…`, `Bearer+…`) it is a credential whatever its shape:
// prose is not URL-encoded into a log line, a query parameter carrying a credential is.
const AUTH_VALUE = new RegExp(
  `\\b(${AUTH_SCHEMES})((?:%20|\\+)+|(?:\\s|\\\\t|%20|\\+)+(?=[^\\s"\\\\,;&]*[0-9=+/._~-]|[^\\s"\\\\,;&]{16}))[^\\s"\\\\,;&]+`,
  'gi',
);
// A header whose name says it holds a credential: its whole value goes, whatever the scheme.
const AUTH_HEADER = /("(?:proxy-)?authorization"\s*:\s*")(?:[^"\\]|\\.)*"/gi;
// "Authorization: <anything>" written into a message: the value goes whatever its shape.
const AUTH_IN_TEXT = /\b((?:proxy-)?authorization\s*[:=]\s*)[^"\\,;&]+/gi;
const COOKIE_VALUE = new RegExp(`((?:${escape(SECURE_SESSION_COOKIE)}|${escape(SESSION_COOKIE)})(?:=|%3D))[^\\s"\\\\;,&]+`, 'gi');
// "\n    at frame (file:line)" inside a JSON string: a stack trace folded into a message.
const STACK_FRAMES = /(?:\\n\s*at [^"\\]*(?:\\[^n"][^"\\]*)*)+/g;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** Scrubs one serialised log line (or any text bound for a log). */
export function scrubLogText(text: string): string {
  return text
    .replace(SECRET, (match) => `${match.slice(0, 6)}[redacted]`)
    .replace(AUTH_HEADER, '$1[redacted]"')
    .replace(AUTH_IN_TEXT, '$1[redacted]')
    .replace(AUTH_VALUE, '$1$2[redacted]')
    .replace(COOKIE_VALUE, '$1[redacted]')
    .replace(STACK_FRAMES, '');
}

/** An error reduced to what a log may hold: its type, code and scrubbed first line. */
export function errorForLog(error: unknown): { type: string; message?: string; code?: unknown } {
  if (!(error instanceof Error)) return { type: typeof error, message: scrubLogText(String(error).split('\n')[0] ?? '').slice(0, 500) };
  // Some drivers name every error plainly "error"; the class then says more.
  const generic = error.name === '' || error.name === 'error' || error.name === 'Error';
  const out: { type: string; message?: string; code?: unknown } = {
    type: generic && error.constructor.name !== '' ? error.constructor.name : error.name,
    message: scrubLogText(error.message.split('\n')[0] ?? '').slice(0, 500),
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  return out;
}
