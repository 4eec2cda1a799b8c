import fc from 'fast-check';
import { ctyEquals, ctyTypeEquals, ctyTypeToJson, decodeJsonValue, decodeMsgpack, encodeJsonValue, encodeMsgpack, isWhollyKnown, parseCtyType } from './index';
import { typeArb, typedValueArb } from './testing/arbitraries';

const runs = { numRuns: 400 };

describe('round trips (property-based)', () => {
  it('type constraint JSON: parse(serialize(t)) is t', () => {
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
  });

  it('msgpack: decode(encode(v, t), t) is v, unknowns and refinements included', () => {
    fc.assert(
      fc.property(typedValueArb({ unknowns: true, infinities: true }), ({ type, value }) => {
        const decoded = decodeMsgpack(encodeMsgpack(value, type), type);
        expect(decoded).toEqual(value);
        expect(ctyEquals(decoded, value, type)).toBe(true);
      }),
      runs,
    );
  });

  it('msgpack: encoding is deterministic and stable under a second round trip', () => {
    fc.assert(
      fc.property(typedValueArb({ unknowns: true, infinities: true }), ({ type, value }) => {
        const once = encodeMsgpack(value, type);
        const twice = encodeMsgpack(decodeMsgpack(once, type), type);
        expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
      }),
      runs,
    );
  });

  it('JSON: decode(encode(v, t), t) is v for wholly known values', () => {
    fc.assert(
      fc.property(typedValueArb({ unknowns: false, infinities: false }), ({ type, value }) => {
        expect(isWhollyKnown(value)).toBe(true);
        const decoded = decodeJsonValue(encodeJsonValue(value, type), type);
        expect(decoded).toEqual(value);
        expect(ctyEquals(decoded, value, type)).toBe(true);
      }),
      runs,
    );
  });

  it('JSON text is valid JSON', () => {
    fc.assert(
      fc.property(typedValueArb({ unknowns: false, infinities: false }), ({ type, value }) => {
        expect(() => JSON.parse(encodeJsonValue(value, type))).not.toThrow();
      }),
      runs,
    );
  });
});
