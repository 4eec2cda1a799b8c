// Session lifetimes. Idle: how long a signed-in page may sit unused. Absolute: the longest any
// session lives, however busy, so a stolen cookie has a bounded life.
import { z } from 'zod';
import { DEFAULT_SESSION_ABSOLUTE_MS, DEFAULT_SESSION_IDLE_MS } from '../contract/limits';

export interface SessionSettings {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** The idle deadline is moved at most this often (one write per session per interval, not per request). */
  touchIntervalMs: number;
  /**
   * Origins, besides the request's own, whose pages may make cookie-authenticated state changes:
   * for a reverse proxy that rewrites Host. Empty by default.
   */
  trustedOrigins: string[];
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  idleTimeoutMs: DEFAULT_SESSION_IDLE_MS,
  absoluteTimeoutMs: DEFAULT_SESSION_ABSOLUTE_MS,
  touchIntervalMs: 60 * 1000,
  trustedOrigins: [],
};

const minutes = (name: string, min: number, max: number) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    z
      .number({ error: `${name} must be an integer between ${min} and ${max}` })
      .int()
      .min(min)
      .max(max)
      .optional(),
  );

const environmentSchema = z.object({
  TESSERA_SESSION_IDLE_MINUTES: minutes('TESSERA_SESSION_IDLE_MINUTES', 1, 24 * 60),
  TESSERA_SESSION_MAX_HOURS: minutes('TESSERA_SESSION_MAX_HOURS', 1, 30 * 24),
  TESSERA_TRUSTED_ORIGINS: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
});

/** Reads TESSERA_SESSION_IDLE_MINUTES, TESSERA_SESSION_MAX_HOURS and TESSERA_TRUSTED_ORIGINS (comma-separated). */
export function sessionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SessionSettings {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid session configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const values = parsed.data;
  const trustedOrigins = (values.TESSERA_TRUSTED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0)
    .map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        throw new Error(
          `invalid session configuration: TESSERA_TRUSTED_ORIGINS: "${origin}" is not an origin like https://tessera.example.com`,
        );
      }
    });
  return {
    ...DEFAULT_SESSION_SETTINGS,
    idleTimeoutMs: (values.TESSERA_SESSION_IDLE_MINUTES ?? DEFAULT_SESSION_SETTINGS.idleTimeoutMs / 60_000) * 60_000,
    absoluteTimeoutMs: (values.TESSERA_SESSION_MAX_HOURS ?? DEFAULT_SESSION_SETTINGS.absoluteTimeoutMs / 3_600_000) * 3_600_000,
    trustedOrigins,
  };
}
