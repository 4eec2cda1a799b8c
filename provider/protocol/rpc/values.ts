/** Encoded values ↔ cty values, against the type a schema implies. */
import {
  CtyError,
  decodeJsonValue,
  decodeMsgpack,
  encodeMsgpack,
  isPlainObject,
  type CtyObject,
  type CtyType,
  type CtyValue,
} from '../cty';
import type { EncodedValue } from './types';

/** Decodes msgpack, else JSON; an absent or empty value is null. Throws CtyError on bad input. */
export function decodeValue(value: EncodedValue | null | undefined, type: CtyType): CtyValue {
  if (!value) return null;
  if (value.msgpack && value.msgpack.length > 0) return decodeMsgpack(value.msgpack, type);
  if (value.json && value.json.length > 0) return decodeJsonValue(value.json, type);
  return null;
}

/** Decodes a resource-shaped value: an object or null. */
export function decodeObjectValue(value: EncodedValue | null | undefined, type: CtyType): CtyObject | null {
  const decoded = decodeValue(value, type);
  if (decoded === null) return null;
  if (!isPlainObject(decoded)) throw new CtyError([], 'expected an object value');
  return decoded;
}

/** Always msgpack, the CLI's preferred form; null is encoded (msgpack nil), not left out. */
export function encodeValue(value: CtyValue, type: CtyType): EncodedValue {
  return { msgpack: Buffer.from(encodeMsgpack(value, type)) };
}
