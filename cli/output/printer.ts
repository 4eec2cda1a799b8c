// What commands print. With `--output json` a command writes exactly one JSON document to stdout
// (documented per command in docs/cli.md); otherwise a table or a list of fields. Messages about
// what was done, warnings and errors go to stderr, so stdout carries only data.
import type { Writable } from 'node:stream';
import { styleFor, type Style } from './style';

export type OutputFormat = 'table' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json'];

export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

type Stream = Writable & { isTTY?: boolean };

export class Printer {
  readonly out: Style;
  readonly err: Style;

  constructor(
    readonly format: OutputFormat,
    private readonly stdout: Stream,
    private readonly stderr: Stream,
    env: NodeJS.ProcessEnv,
  ) {
    this.out = styleFor(stdout, env);
    this.err = styleFor(stderr, env);
  }

  get json(): boolean {
    return this.format === 'json';
  }

  /** The JSON document of the command (json) or the table (otherwise). */
  table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>, document: unknown, empty = 'Nothing to show.'): void {
    if (this.json) return this.document(document);
    if (rows.length === 0) {
      this.note(empty);
      return;
    }
    const cells = rows.map((row) => columns.map((column) => clean(column.value(row))));
    const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => (row[i] ?? '').length)));
    const line = (values: string[], style?: (text: string) => string) =>
      values
        .map((value, i) => {
          const padded = i === values.length - 1 ? value : value.padEnd(widths[i] ?? 0);
          return style ? style(padded) : padded;
        })
        .join('  ')
        .trimEnd();
    this.stdout.write(
      `${line(
        columns.map((c) => c.header),
        this.out.bold,
      )}\n`,
    );
    for (const row of cells) this.stdout.write(`${line(row)}\n`);
  }

  /** One object: aligned "Label: value" lines, or its JSON document. */
  fields(pairs: ReadonlyArray<[string, string]>, document: unknown): void {
    if (this.json) return this.document(document);
    const width = Math.max(...pairs.map(([label]) => label.length)) + 1;
    for (const [label, value] of pairs) this.stdout.write(`${this.out.bold(`${label}:`.padEnd(width))}  ${clean(value)}\n`);
  }

  document(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A line of data on stdout (e.g. a secret). */
  line(text: string): void {
    this.stdout.write(`${text}\n`);
  }

  /** What was done, on stderr. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  success(text: string): void {
    this.stderr.write(`${this.err.green('✓')} ${text}\n`);
  }

  warning(text: string): void {
    this.stderr.write(`${this.err.yellow('warning:')} ${text}\n`);
  }
}

/** Control characters from the server are shown, not obeyed (a name cannot move the cursor). */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
