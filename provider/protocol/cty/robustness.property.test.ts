import fc from 'fast-check';
import { CtyError, decodeJsonValue, decodeMsgpack, encodeMsgpack, type CtyType } from './index';
import { typeArb, typedValueArb } from './testing/arbitraries';

/** Decoding hostile input may fail, but only ever with a CtyError (which becomes a diagnostic), never a crash. */
function onlyCtyErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof CtyError)) throw err;
  }
}

// Hundreds of generated cases per property; a loaded 2-core CI box needs more than jest's default budget.
const PROPERTY_TIMEOUT_MS = 120_000;
const runs = { numRuns: 500 };

describe('decoders never crash on arbitrary input', () => {
  it(
    'msgpack: random bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), typeArb(3), (bytes, type) => onlyCtyErrors(() => decodeMsgpack(bytes, type))),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'msgpack: valid messages of another type, and truncated or bit-flipped valid messages',
    () => {
      fc.assert(
        fc.property(
          typedValueArb({ unknowns: true, infinities: true }),
          typeArb(3),
          fc.nat(),
          fc.nat({ max: 255 }),
          ({ type, value }, otherType: CtyType, cut, flip) => {
            const bytes = Buffer.from(encodeMsgpack(value, type));
            onlyCtyErrors(() => decodeMsgpack(bytes, otherType));
            onlyCtyErrors(() => decodeMsgpack(bytes.subarray(0, cut % (bytes.length + 1)), type));
            const flipped = Buffer.from(bytes);
            const at = cut % flipped.length; // encoded values are never empty
            flipped[at] = (flipped[at] ?? 0) ^ flip;
            onlyCtyErrors(() => decodeMsgpack(flipped, type));
          },
        ),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'JSON: arbitrary JSON documents and arbitrary text',
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.json(), fc.string()), typeArb(3), fc.boolean(), (text, type, drop) =>
          onlyCtyErrors(() => decodeJsonValue(text, type, { dropUnknownAttributes: drop })),
        ),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
