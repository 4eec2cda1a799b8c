// What the reliability scripts (api-fuzz, provider-fuzz, soak) share: their command-line sizes,
// a seeded source of choices, the summary tables, and a test PostgreSQL when none is given.
import { parseArgs } from 'node:util';
import * as os from 'node:os';
import fc from 'fast-check';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { TEST_PG_URL_ENV } from '../support/test-cluster';

export interface SizeOptions {
  [name: string]: { default: string; help: string };
}

/** `--name value` options, each a number; unknown options are an error (exit 2) with the usage line. */
export function numberOptions<T extends SizeOptions>(script: string, options: T): { [K in keyof T]: number } {
  const usage = `usage: ${script} ${Object.entries(options)
    .map(([name, o]) => `[--${name} N] (${o.help}; default ${o.default})`)
    .join(' ')}`;
  try {
    const { values } = parseArgs({
      options: Object.fromEntries(Object.keys(options).map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    const result: Record<string, number> = {};
    for (const [name, option] of Object.entries(options)) {
      const text = (values as Record<string, string | undefined>)[name] ?? option.default;
      const value = Number(text.replace(/_/g, ''));
      if (!Number.isFinite(value) || (value < 0 && option.default !== '-1'))
        throw new Error(`--${name} must be a non-negative number, not ${JSON.stringify(text)}`);
      result[name] = value;
    }
    return result as { [K in keyof T]: number };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}

/**
 * Deterministic choices for one case: the same (seed, index) always gives the same case, so a
 * failing case is re-run alone with `--seed S --only I`. Values with structure (unicode strings,
 * JSON values) come from fast-check arbitraries drawn with a seed taken from this stream.
 */
export class Choices {
  private state: number;

  constructor(seed: number, index: number) {
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
    for (let i = 0; i < 4; i++) this.next();
  }

  /** mulberry32: 32 bits of state are plenty for picking among cases. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: [[weight, value], …]. */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let at = this.next() * total;
    for (const [w, value] of items) {
      at -= w;
      if (at < 0) return value;
    }
    return items[items.length - 1]![1];
  }

  /** One value of a fast-check arbitrary, seeded from this stream. */
  draw<T>(arbitrary: fc.Arbitrary<T>): T {
    return fc.sample(arbitrary, { seed: this.int(0, 0x7fffffff), numRuns: 1 })[0] as T;
  }
}

/** A table with aligned columns, for the summaries. */
export function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [`${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line), ''].join('\n');
}

export function counts(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export function machineLine(): string {
  const load = os.loadavg().map((l) => l.toFixed(2));
  return `date ${new Date().toISOString()}, load average ${load.join(' ')} (1/5/15 min), ${os.cpus().length} cores, node ${process.version}`;
}

/**
 * A PostgreSQL for the script: the one jest's global setup started (its URL in the environment,
 * when a reliability test runs the script), or a throwaway one started here and stopped by the
 * returned function.
 */
export async function ensureTestPostgres(): Promise<() => Promise<void>> {
  if (process.env[TEST_PG_URL_ENV]) return async () => undefined;
  await globalSetup();
  return () => globalTeardown();
}
