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

/**
 * How deep arrays and maps may nest. A cty type nests at most 200 deep and a dynamic value adds
 * one level, so no valid value comes near; the JSON reader has the same limit. Without one, a
 * payload of one byte per level (0x91 0x91 …) makes the library build a tree millions deep,
 * blocking the process for seconds before the type walk refuses it.
 */
export const MAX_WIRE_DEPTH = 500;

/** Decodes exactly one msgpack item; trailing bytes are an error (throws the library's error). */
export function decodeWire(bytes: Uint8Array): WireNode {
  checkNesting(bytes);
  return decoder.decode(bytes) as WireNode;
}

/** Decodes the first msgpack item and ignores what follows (cty allows padding after a refinement map). */
export function decodeWirePrefix(bytes: Uint8Array): WireNode {
  checkNesting(bytes);
  for (const item of prefixDecoder.decodeMulti(bytes)) return item as WireNode;
  throw new RangeError('empty msgpack payload');
}

// Bytes that follow a header byte before the next item: fixed-size scalars and fixext (type byte included).
const FIXED_PAYLOAD: Record<number, number> = {
  0xca: 4,
  0xcb: 8,
  0xcc: 1,
  0xcd: 2,
  0xce: 4,
  0xcf: 8,
  0xd0: 1,
  0xd1: 2,
  0xd2: 4,
  0xd3: 8,
  0xd4: 2,
  0xd5: 3,
  0xd6: 5,
  0xd7: 9,
  0xd8: 17,
};

/**
 * Throws when the first item's arrays and maps nest deeper than MAX_WIRE_DEPTH. Reads headers
 * only (lengths are skipped, not read), so it costs little next to decoding; anything malformed
 * is left for the decoder to report.
 */
function checkNesting(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Items still to come in each open array or map (a map entry counts as two).
  const open: number[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const head = bytes[pos++]!;
    let children = 0;
    let skip = 0;
    if (head <= 0x7f || head >= 0xe0 || head === 0xc0 || head === 0xc2 || head === 0xc3) skip = 0;
    else if (head <= 0x8f) children = (head & 0x0f) * 2;
    else if (head <= 0x9f) children = head & 0x0f;
    else if (head <= 0xbf) skip = head & 0x1f;
    else if (FIXED_PAYLOAD[head] !== undefined) skip = FIXED_PAYLOAD[head];
    else {
      const width = { 0xc4: 1, 0xd9: 1, 0xc7: 1, 0xc5: 2, 0xda: 2, 0xc8: 2, 0xdc: 2, 0xde: 2, 0xc6: 4, 0xdb: 4, 0xc9: 4, 0xdd: 4, 0xdf: 4 }[
        head
      ];
      if (width === undefined || pos + width > bytes.length) return;
      const length = width === 1 ? view.getUint8(pos) : width === 2 ? view.getUint16(pos) : view.getUint32(pos);
      pos += width;
      if (head === 0xdc || head === 0xdd) children = length;
      else if (head === 0xde || head === 0xdf) children = length * 2;
      else skip = length + (head === 0xc7 || head === 0xc8 || head === 0xc9 ? 1 : 0);
    }
    pos += skip;
    if (open.length > 0) open[open.length - 1]! -= 1;
    if (children > 0) {
      open.push(children);
      if (open.length > MAX_WIRE_DEPTH) throw new RangeError(`nested more than ${MAX_WIRE_DEPTH} deep`);
    }
    while (open.length > 0 && open[open.length - 1] === 0) open.pop();
    if (open.length === 0) return;
  }
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
