/** The CLI refuses unknown values in state, data-source results and ephemeral results. */
import type { CtyObject } from '../cty';
import { DiagnosticError, error, formatPath } from '../diagnostics';
import { unknownPaths } from '../values/complete';

export function assertKnown(value: CtyObject, operation: string): void {
  const unknown = unknownPaths(value);
  if (unknown.length > 0) {
    throw new DiagnosticError(
      error(
        'Provider returned an unknown value',
        `After ${operation} these attributes are still unknown, which Terraform does not allow: ${unknown.map(formatPath).join(', ')}. This is a bug in the provider.`,
      ),
    );
  }
}
