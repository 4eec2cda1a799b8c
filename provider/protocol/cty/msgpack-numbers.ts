import { CtyError, type CtyPath } from './errors';
import { canonicalizeNumber, numberWireForm, parseCtyNumber, type CtyNumber } from './numbers';
import { utf8Text, type WireNode } from './msgpack-wire';

/** A number as cty reads it from msgpack: any int width, float32/64, or decimal text. */
export function numberFromWire(node: WireNode, path: CtyPath): CtyNumber {
  try {
    if (typeof node === 'number' || typeof node === 'bigint') return canonicalizeNumber(node);
    if (node instanceof Uint8Array) return parseCtyNumber(utf8Text(node));
  } catch (err) {
    if (err instanceof CtyError) throw new CtyError(path, err.detail);
    throw new CtyError(path, 'a number is required');
  }
  throw new CtyError(path, 'a number is required');
}

const INT32_MIN = -(2 ** 31);
const UINT32_LIMIT = 2 ** 32;

/** The JS value to hand the encoder so that it writes what cty would: int, float64 or decimal string. */
export function numberToWire(n: CtyNumber, path: CtyPath): number | bigint | string {
  let form;
  try {
    form = numberWireForm(n);
  } catch (err) {
    if (err instanceof CtyError) throw new CtyError(path, err.detail);
    throw err;
  }
  if (form.kind !== 'int') return form.value;
  const v = form.value;
  // The library writes JS numbers outside the 32-bit ranges as float64, so wider ints go as bigint (int64/uint64).
  return typeof v === 'number' && v >= INT32_MIN && v < UINT32_LIMIT ? v : BigInt(v);
}
