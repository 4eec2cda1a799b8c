import fc from 'fast-check';
import { canonicalizeNumber, parseCtyNumber, type CtyNumber } from '../numbers';
import { valueKey } from '../equality';
import { compareCodePoints, isCollectionType, objectType, type CtyType } from '../types';
import { ctyObject, DynamicValue, Unknown, type CtyValue, type Refinements } from '../values';

/** Attribute names and map keys, including the ones that break naive JS objects. */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'id', '', '0', '1'),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

export const primitiveTypeArb: fc.Arbitrary<CtyType> = fc.constantFrom<CtyType>('string', 'number', 'bool');

/** Type constraints up to `depth` levels of nesting, objects with optional-attribute lists included. */
export function typeArb(depth = 3): fc.Arbitrary<CtyType> {
  const leaf = fc.constantFrom<CtyType>('string', 'number', 'bool', 'dynamic');
  if (depth <= 0) return leaf;
  const inner = typeArb(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    fc.tuple(fc.constantFrom('list' as const, 'set' as const, 'map' as const), inner).map(([k, t]): CtyType => [k, t]),
    fc.array(inner, { maxLength: 3 }).map((ts): CtyType => ['tuple', ts]),
    fc.uniqueArray(fc.tuple(keyArb, inner, fc.boolean()), { selector: ([k]) => k, maxLength: 4 }).map((attrs): CtyType =>
      objectType(
        Object.fromEntries(attrs.map(([k, t]) => [k, t])),
        attrs
          .filter(([, , opt]) => opt)
          .map(([k]) => k)
          .sort(compareCodePoints),
      ),
    ),
  );
}

export interface ValueOptions {
  /** Include unknown values (msgpack can hold them; JSON cannot). */
  unknowns: boolean;
  /** Include ±Infinity (msgpack only; JSON cannot). */
  infinities: boolean;
}

const decimalArb: fc.Arbitrary<CtyNumber> = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -40, max: 40 }))
  .map(([coefficient, exponent]) => parseCtyNumber(`${coefficient}e${exponent}`));

/** Numbers in canonical form (what a decoder yields): small and huge ints, doubles, exact decimals like 0.1. */
export function numberArb(infinities: boolean): fc.Arbitrary<CtyNumber> {
  const arbs: fc.Arbitrary<CtyNumber>[] = [
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map((b) => canonicalizeNumber(b)),
    fc
      .constantFrom<CtyNumber>(2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 10n ** 400n, 0.1, 0.5, 1e300, 5e-324)
      .map((n) => canonicalizeNumber(n)),
    fc.double({ noNaN: true, noDefaultInfinity: !infinities }).map((d) => canonicalizeNumber(d)),
    decimalArb,
  ];
  // -0 is left out: on the msgpack wire it becomes 0, as cty writes it (covered by its own test).
  return fc.oneof(...arbs).filter((n) => !Object.is(n, -0));
}

function refinementsArb(type: CtyType): fc.Arbitrary<Refinements> {
  const notNull = fc.option(fc.constant(true), { nil: undefined });
  if (type === 'string')
    return fc.record({ notNull, stringPrefix: fc.option(fc.string({ minLength: 1, maxLength: 6 }), { nil: undefined }) });
  if (type === 'number') {
    const bound = fc.option(fc.tuple(numberArb(false), fc.boolean()), { nil: undefined });
    return fc.record({ notNull, numberLower: bound, numberUpper: bound });
  }
  if (isCollectionType(type)) {
    const length = fc.option(fc.nat({ max: 1000 }), { nil: undefined });
    return fc.record({ notNull, lengthLower: length, lengthUpper: length });
  }
  if (type === 'dynamic') return fc.constant({});
  return fc.record({ notNull });
}

const stringArb = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 8 }));

/** Values conforming to `type`, in the canonical form the decoders produce. */
export function valueArb(type: CtyType, options: ValueOptions, depth = 3): fc.Arbitrary<CtyValue> {
  const known = knownValueArb(type, options, depth);
  const choices: fc.WeightedArbitrary<CtyValue>[] = [
    { weight: 6, arbitrary: known },
    { weight: 1, arbitrary: fc.constant(null) },
  ];
  if (options.unknowns) choices.push({ weight: 1, arbitrary: refinementsArb(type).map((r) => new Unknown(r)) });
  return fc.oneof(...choices);
}

function knownValueArb(type: CtyType, options: ValueOptions, depth: number): fc.Arbitrary<CtyValue> {
  switch (type) {
    case 'string':
      return stringArb;
    case 'bool':
      return fc.boolean();
    case 'number':
      return numberArb(options.infinities);
    case 'dynamic':
      return typeArb(Math.max(0, depth - 1))
        .filter((t) => t !== 'dynamic')
        .chain((t) => valueArb(t, options, depth - 1).map((v) => new DynamicValue(t, v)));
  }
  switch (type[0]) {
    case 'list':
      return fc.array(valueArb(type[1], options, depth), { maxLength: 4 });
    case 'set':
      return fc.uniqueArray(valueArb(type[1], options, depth), { maxLength: 4, selector: (v) => valueKey(v, type[1]) });
    case 'tuple':
      return fc.tuple(...type[1].map((t) => valueArb(t, options, depth)));
    case 'map':
      return fc
        .uniqueArray(fc.tuple(keyArb, valueArb(type[1], options, depth)), { selector: ([k]) => k, maxLength: 4 })
        .map((entries) => new Map(entries));
    case 'object': {
      const attrs = type[1];
      const names = Object.keys(attrs);
      return fc
        .tuple(...names.map((n) => valueArb(attrs[n] as CtyType, options, depth)))
        .map((values) => ctyObject(names.map((n, i) => [n, values[i] as CtyValue] as const)));
    }
  }
}

/** A type together with a conforming value. */
export function typedValueArb(options: ValueOptions, depth = 3): fc.Arbitrary<{ type: CtyType; value: CtyValue }> {
  return typeArb(depth).chain((type) => valueArb(type, options, depth).map((value) => ({ type, value })));
}
