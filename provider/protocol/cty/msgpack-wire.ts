import { Decoder, Encoder, ExtData, ExtensionCodec } from '@msgpack/msgpack';

/**
 * The @msgpack/msgpack configuration the cty codec sits on. The library decodes a whole message into a JS tree;
 * the cty layer then walks that tree guided by the type. Two adjustments make the tree faithful:
 * - every string map key is tagged with KEY_TAG, so a key such as `__proto__` (which the library otherwise refuses)
 *   is an ordinary property and a string key can be told from an integer key (refinement maps use integer keys);
 * - no extension type is interpreted (not even the built-in timestamp, -1): each arrives as ExtData, because cty
 *   reads any extension as an unknown value;
 * - string values arrive as raw bytes (like bin, which cty reads interchangeably with str) and are decoded by
 *   `utf8Text`, which refuses invalid UTF-8 where the library would silently produce garbage characters.
 */
export const KEY_TAG = '\u0000';

export type WireMap = { [taggedKey: string]: WireNode };
export type WireNode = null | boolean | number | bigint | string | Uint8Array | ExtData | WireNode[] | WireMap;

const extensionCodec = new ExtensionCodec();
extensionCodec.register({ type: -1, encode: () => null, decode: (data, type) => new ExtData(type, data) });

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 strictly; throws a TypeError on invalid bytes. */
export function utf8Text(bytes: Uint8Array): string {
  return strictUtf8.decode(bytes);
}

const decoderOptions = {
  extensionCodec,
  useBigInt64: true,
  rawStrings: true,
  keyDecoder: {
    canBeCached: () => true,
    decode: (bytes: Uint8Array, offset: number, length: number) => KEY_TAG + utf8Text(bytes.subarray(offset, offset + length)),
  },
} as const;

const decoder = new Decoder(decoderOptions);
const prefixDecoder = new Decoder(decoderOptions);

/** Decodes exactly one msgpack item; trailing bytes are an error (throws the library's error). */
export function decodeWire(bytes: Uint8Array): WireNode {
  return decoder.decode(bytes) as WireNode;
}

/** Decodes the first msgpack item and ignores what follows (cty allows padding after a refinement map). */
export function decodeWirePrefix(bytes: Uint8Array): WireNode {
  for (const item of prefixDecoder.decodeMulti(bytes)) return item as WireNode;
  throw new RangeError('empty msgpack payload');
}

/**
 * Encodes a tree built by the cty layer. Numbers must already be in wire form: JS numbers for ints in
 * [-2^31, 2^32) and floats, bigint for other int64 values (the library would write those as floats otherwise).
 */
const encoder = new Encoder({ extensionCodec, useBigInt64: true, sortKeys: true, maxDepth: 10_000 });

export function encodeWire(tree: WireNode): Uint8Array {
  return encoder.encode(tree);
}

export function isWireMap(node: WireNode): node is WireMap {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !(node instanceof Uint8Array) && !(node instanceof ExtData);
}

export { ExtData };
