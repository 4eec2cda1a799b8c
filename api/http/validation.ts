// zod at the edge: every body, query and header a handler reads goes through here, and every
// failure becomes one 422 naming all bad fields. The schemas themselves are the contract's
// (api/contract/).
import type { z } from 'zod';
import { InvalidError, type FieldError } from '../errors';

export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], root = 'body'): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: [...issue.path, key].join('.'), message: 'is not a known field' });
      continue;
    }
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : root;
    errors.push({ field, message: issue.message });
  }
  return errors;
}

export function parseOrProblem<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidError(issuesToFieldErrors(parsed.error.issues, root));
  return parsed.data;
}
