/**
 * hclog-compatible JSON logging to stderr. The CLI copies provider stderr into its own log
 * (visible with TF_LOG / TF_LOG_PROVIDER) and keeps the level of JSON lines whose `@timestamp`
 * has exactly six fractional digits. TF_LOG=trace prints everything, so secrets must never
 * reach a log line: values registered with `redact` are replaced wherever they appear.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel | 'off', number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 5 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Never print this string (a token, a password); shorter than 4 characters is ignored. */
  redact(secret: string): void;
  /** A logger that adds these fields to every line (e.g. the RPC name). */
  with(fields: LogFields): Logger;
  /**
   * A logger that never prints the values of fields with these names (and remembers those
   * values as secrets). The server applies it with the names of sensitive and write-only
   * attributes, so `log.debug('created', { token })` stays safe even for values that the
   * resource itself just created.
   */
  withSecretFields(names: Iterable<string>): Logger;
}

/** Level from TF_LOG_PROVIDER, else TF_LOG; unset or unrecognised means off. */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel | 'off' {
  const raw = (env.TF_LOG_PROVIDER || env.TF_LOG || '').trim().toLowerCase();
  if (raw === 'json') return 'trace';
  return raw in ORDER ? (raw as LogLevel | 'off') : raw === '' ? 'off' : 'trace';
}

/** `2026-11-28T06:04:53.786000Z`: Go's hclog parser wants microseconds. */
export function hclogTimestamp(date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

const REDACTED = '[REDACTED]';

class Redactor {
  private secrets = new Set<string>();
  add(secret: string): void {
    if (secret.length >= 4) this.secrets.add(secret);
  }
  apply(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
}

export interface LoggerOptions {
  level?: LogLevel | 'off';
  module?: string;
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? levelFromEnv();
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return build(ORDER[level], options.module ?? 'provider', new Redactor(), write, {}, new Set());
}

function build(
  min: number,
  module: string,
  redactor: Redactor,
  write: (line: string) => void,
  base: LogFields,
  secretFields: ReadonlySet<string>,
): Logger {
  const emit = (lvl: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[lvl] < min) return;
    const record: Record<string, unknown> = {
      '@level': lvl,
      '@message': redactor.apply(message),
      '@module': module,
      '@timestamp': hclogTimestamp(),
    };
    for (const [k, v] of Object.entries({ ...base, ...fields })) {
      if (v === undefined) continue;
      if (secretFields.has(k) && v !== null) {
        redactor.add(String(v));
        record[k] = REDACTED;
      } else {
        record[k] = typeof v === 'string' ? redactor.apply(v) : v;
      }
    }
    // Redact again after encoding: a secret may straddle a field boundary only in theory,
    // but escaping could hide one from the first pass (quotes, backslashes).
    write(`${redactor.apply(JSON.stringify(record))}\n`);
  };
  return {
    trace: (m, f) => emit('trace', m, f),
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    redact: (secret) => redactor.add(secret),
    with: (fields) => build(min, module, redactor, write, { ...base, ...fields }, secretFields),
    withSecretFields: (names) => build(min, module, redactor, write, base, new Set([...secretFields, ...names])),
  };
}
