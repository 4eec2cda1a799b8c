/** One step of a path into a cty value: an attribute name or map key (string), or a list/tuple/set index (number). */
export type CtyPathStep = string | number;
export type CtyPath = readonly CtyPathStep[];

/**
 * Every failure of the cty layer (bad type JSON, value not conforming to its type, malformed msgpack/JSON).
 * `path` says where in the value it happened so the protocol layer can turn it into a diagnostic that names the
 * attribute; the message never contains the offending value itself (it may be a secret).
 */
export class CtyError extends Error {
  readonly path: CtyPathStep[];
  readonly detail: string;

  constructor(path: CtyPath, detail: string) {
    super(path.length === 0 ? detail : `${formatCtyPath(path)}: ${detail}`);
    this.name = 'CtyError';
    this.path = [...path];
    this.detail = detail;
  }
}

/** Renders a path the way Terraform prints traversals: `.tags["env"][0]` (attribute steps need no type to tell apart). */
export function formatCtyPath(path: CtyPath): string {
  return path
    .map((step) =>
      typeof step === 'number' ? `[${step}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`,
    )
    .join('');
}

/** Throws the "X is required" error cty gives for a value of the wrong kind. */
export function required(path: CtyPath, what: string): never {
  throw new CtyError(path, `${what} is required`);
}
