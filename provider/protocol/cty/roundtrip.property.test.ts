import fc from 'fast-check';
import {
  ctyEquals,
  ctyTypeEquals,
  ctyTypeToJson,
  decodeJsonValue,
  decodeMsgpack,
  encodeJsonValue,
  encodeMsgpack,
  parseCtyType,
  type CtyType,
  type CtyValue,
} from './index';
import { typeArb, typedValueArb } from './testing/arbitraries';

// Hundreds of generated cases per property; a loaded 2-core CI box needs more than jest's default budget.
const PROPERTY_TIMEOUT_MS = 120_000;
const runs = { numRuns: 400 };

describe('round trips (property-based)', () => {
  it(
    'type constraint JSON: parse(serialize(t)) is t',
    () => {
      fc.assert(
        fc.property(typeArb(4), (type) => {
          const parsed = parseCtyType(ctyTypeToJson(type));
          expect(parsed).toEqual(type);
          expect(ctyTypeEquals(parsed, type)).toBe(true);
          // The wire form is the JSON form: JSON.stringify of the value means the same type.
          expect(ctyTypeEquals(parseCtyType(JSON.stringify(type)), type)).toBe(true);
        }),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it.each([
    [
      'msgpack',
      'unknowns and refinements included',
      (v: CtyValue, t: CtyType) => decodeMsgpack(encodeMsgpack(v, t), t),
      { unknowns: true, infinities: true },
    ],
    [
      'JSON',
      'wholly known values',
      (v: CtyValue, t: CtyType) => decodeJsonValue(encodeJsonValue(v, t), t),
      { unknowns: false, infinities: false },
    ],
  ] as const)(
    '%s: decode(encode(v, t), t) is v, %s',
    (_format, _what, roundTrip, options) => {
      fc.assert(
        fc.property(typedValueArb(options), ({ type, value }) => {
          const decoded = roundTrip(value, type);
          expect(decoded).toEqual(value);
          expect(ctyEquals(decoded, value, type)).toBe(true);
        }),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'msgpack: encoding is deterministic and stable under a second round trip',
    () => {
      fc.assert(
        fc.property(typedValueArb({ unknowns: true, infinities: true }), ({ type, value }) => {
          const once = encodeMsgpack(value, type);
          const twice = encodeMsgpack(decodeMsgpack(once, type), type);
          expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
        }),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'JSON text is valid JSON',
    () => {
      fc.assert(
        fc.property(typedValueArb({ unknowns: false, infinities: false }), ({ type, value }) => {
          expect(() => JSON.parse(encodeJsonValue(value, type))).not.toThrow();
        }),
        runs,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
