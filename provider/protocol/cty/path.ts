import type { CtyPath } from './errors';
import type { CtyType } from './types';

/** A path step with its kind, as Terraform's AttributePath needs it (attribute_name / element_key_string / element_key_int). */
export type TypedPathStep = { attribute: string } | { key: string } | { index: number };

/**
 * Tells attribute names from map keys in a `CtyError.path` by walking the type the value was decoded with.
 * Below a `dynamic` slot the concrete type is not known from the path alone, so strings there are taken as
 * attribute names (objects being the usual content).
 */
export function resolveCtyPath(path: CtyPath, type: CtyType): TypedPathStep[] {
  let current: CtyType | undefined = type;
  return path.map((step): TypedPathStep => {
    const here: CtyType | undefined = current;
    if (typeof step === 'number') {
      current =
        Array.isArray(here) && (here[0] === 'list' || here[0] === 'set')
          ? here[1]
          : Array.isArray(here) && here[0] === 'tuple'
            ? here[1][step]
            : undefined;
      return { index: step };
    }
    if (Array.isArray(here) && here[0] === 'map') {
      current = here[1];
      return { key: step };
    }
    current = Array.isArray(here) && here[0] === 'object' && Object.hasOwn(here[1], step) ? here[1][step] : undefined;
    return { attribute: step };
  });
}
