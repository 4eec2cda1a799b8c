// Secrets never reach the terminal through --debug or an error message: token-shaped strings,
// credential headers and secret-bearing JSON fields are replaced before anything is written.
const SECRET_PATTERN = /\b(ts(?:pat|svc)_)[0-9A-Za-z]{36}\b/g;
const SECRET_HEADERS = new Set(['authorization', 'api-token', 'cookie', 'set-cookie', 'x-csrf-token', 'proxy-authorization']);
const SECRET_FIELDS = new Set(['token', 'password', 'csrf_token', 'secret', 'api_token']);

export const REDACTED = '[redacted]';

/** Replaces every token-shaped string (tspat_…, tssvc_…) and each of `extra` (e.g. a token of another shape). */
export function scrub(text: string, extra: readonly string[] = []): string {
  let result = text.replace(SECRET_PATTERN, `$1${REDACTED}`);
  for (const secret of extra) if (secret.length >= 8) result = result.split(secret).join(REDACTED);
  return result;
}

export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value;
  const scheme = /^(Bearer|Basic)\s/i.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
}

/** A JSON body with its secret fields replaced; other text scrubbed of token shapes. */
export function redactBody(body: string): string {
  try {
    return JSON.stringify(redactValue(JSON.parse(body) as unknown));
  } catch {
    return body;
  }
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        SECRET_FIELDS.has(key) && typeof inner === 'string' ? REDACTED : redactValue(inner),
      ]),
    );
  }
  return value;
}
