// Data sources that find one object by either of two keys (id, or a name or email): exactly one
// key must be given, and the diagnostic names the attribute.
import type { CtyValue } from '../../protocol/cty/values';
import { path, type Diagnostics } from '../../protocol/diagnostics';
import { knownString } from '../../protocol/values/reader';

export function checkOneLookupKey(
  what: string,
  keys: { id: CtyValue; other: CtyValue; otherName: string },
  diagnostics: Diagnostics,
): void {
  const id = knownString(keys.id);
  const other = knownString(keys.other);
  if (typeof id === 'string' && typeof other === 'string') {
    diagnostics.error(
      `Conflicting ${what} lookup keys`,
      `${keys.otherName} is set together with id; look the ${what} up by id or by ${keys.otherName}, not both.`,
      path(keys.otherName),
    );
  } else if (id === null && other === null) {
    diagnostics.error(
      `Missing ${what} lookup key`,
      `Set id or ${keys.otherName} to say which ${what} to read (exactly one of them).`,
      path('id'),
    );
  } else if (typeof id === 'string' && id.trim() === '') {
    diagnostics.error(`Invalid ${what} id`, 'id must not be empty.', path('id'));
  } else if (typeof other === 'string' && other.trim() === '') {
    diagnostics.error(`Invalid ${what} ${keys.otherName}`, `${keys.otherName} must not be empty.`, path(keys.otherName));
  }
}
