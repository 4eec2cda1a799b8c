/**
 * Diagnostics: the only way a provider talks to the user. Terraform shows them with the
 * configuration line when an attribute path is attached.
 */

/** One step into a value: an attribute name, a map key, or a list/tuple index. */
export type PathStep = { attribute: string } | { key: string } | { index: number };

/** A path into a resource's value, from its root object. */
export type AttributePath = readonly PathStep[];

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  summary: string;
  detail?: string;
  path?: AttributePath;
}

/** Builds a path from plain steps: strings are attribute names, numbers are list indexes. */
export function path(...steps: Array<string | number | PathStep>): AttributePath {
  return steps.map((s) => (typeof s === 'string' ? { attribute: s } : typeof s === 'number' ? { index: s } : s));
}

/** A map key step, for `path('tags', key('env'))`. */
export function key(k: string): PathStep {
  return { key: k };
}

export function error(summary: string, detail?: string, at?: AttributePath): Diagnostic {
  return { severity: 'error', summary, detail, path: at };
}

export function warning(summary: string, detail?: string, at?: AttributePath): Diagnostic {
  return { severity: 'warning', summary, detail, path: at };
}

/** Renders a path the way Terraform users read it: `tags["env"]`, `rule[0].port`. */
export function formatPath(at: AttributePath): string {
  let out = '';
  for (const step of at) {
    if ('attribute' in step) out += out === '' ? step.attribute : `.${step.attribute}`;
    else if ('key' in step) out += `[${JSON.stringify(step.key)}]`;
    else out += `[${step.index}]`;
  }
  return out;
}

/**
 * Thrown by provider code (or our value readers) to stop a handler with a diagnostic; the
 * server turns it into exactly that diagnostic instead of a generic "internal error".
 */
export class DiagnosticError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostic: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostic) ? diagnostic : [diagnostic];
    super(list.map((d) => d.summary).join('; '));
    this.name = 'DiagnosticError';
    this.diagnostics = list;
  }
}

/** A collector handed to every handler; handlers add to it instead of returning arrays. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(...diagnostics: Diagnostic[]): this {
    this.items.push(...diagnostics);
    return this;
  }

  error(summary: string, detail?: string, at?: AttributePath): this {
    return this.add(error(summary, detail, at));
  }

  warning(summary: string, detail?: string, at?: AttributePath): this {
    return this.add(warning(summary, detail, at));
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Throws a DiagnosticError holding everything so far if any error was recorded. */
  throwIfErrors(): void {
    if (this.hasErrors()) throw new DiagnosticError(this.items.splice(0));
  }
}
