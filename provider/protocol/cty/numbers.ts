import { CtyError } from './errors';

/**
 * A cty number in JS. Decoders always produce the canonical form: a `number` for safe integers, non-integral
 * doubles that are exact, -0 and ±Infinity; a `bigint` for integers beyond ±(2^53-1); a `BigDecimal` for
 * non-integral values no double holds exactly (e.g. 0.1). Encoders accept any of the three for any value.
 */
export type CtyNumber = number | bigint | BigDecimal;

/** Guards against inputs like "1e999999999" expanding into gigabytes of digits; cty itself keeps 512 bits. */
const MAX_EXPANDED_DIGITS = 20_000;

/** An exact finite decimal: (negative ? -1 : 1) * coefficient * 10^exponent, coefficient without trailing zeros. */
interface ExactDecimal {
  negative: boolean;
  coefficient: bigint;
  exponent: number;
}
type ExactNumber = ExactDecimal | 'inf' | '-inf';

/** A non-integral number kept exactly as its canonical decimal text ("0.1", "-12.5000001"), as cty sends it. */
export class BigDecimal {
  /** Canonical plain decimal notation: no exponent, no leading zeros, no trailing fractional zeros. */
  readonly text: string;

  constructor(text: string) {
    const parsed = parseExactNumber(text);
    if (parsed === null || typeof parsed === 'string') throw new CtyError([], 'a BigDecimal needs finite decimal text');
    this.text = exactToText(parsed);
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }

  /** The nearest double; loses precision by design. */
  toNumber(): number {
    return Number(this.text);
  }
}

const DECIMAL = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const INFINITY = /^([+-])?(?:inf|Inf|infinity|Infinity)$/;

/**
 * Parses number text the way cty's ParseNumberVal does for the spellings it meets (decimal with optional exponent,
 * `inf`/`Inf`) and returns the canonical `CtyNumber`. Throws `CtyError` (empty path) for anything else.
 */
export function parseCtyNumber(text: string): CtyNumber {
  const exact = parseExactNumber(text);
  if (exact === null) throw new CtyError([], 'a number is required');
  return canonicalNumber(exact);
}

function parseExactNumber(text: string): ExactNumber | null {
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? '-inf' : 'inf';
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const [, sign, intPart, fracPart, onlyFrac, expPart] = m;
  const whole = intPart ?? '';
  const fraction = fracPart ?? onlyFrac ?? '';
  if (whole.length + fraction.length > MAX_EXPANDED_DIGITS || (expPart !== undefined && expPart.length > 12)) {
    throw new CtyError([], 'number has too many digits');
  }
  const exponent = Number(expPart ?? '0') - fraction.length;
  return normalize(sign === '-', BigInt(whole + fraction || '0'), exponent);
}

function normalize(negative: boolean, coefficient: bigint, exponent: number): ExactDecimal {
  if (coefficient === 0n) return { negative: false, coefficient: 0n, exponent: 0 };
  let digits = coefficient.toString();
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  // Plain notation of this value has max(len, exponent + len, -exponent + 1) digits; refuse absurd ones.
  if (digits.length + Math.abs(exponent) > MAX_EXPANDED_DIGITS) throw new CtyError([], 'number has too many digits');
  return { negative, coefficient: BigInt(digits), exponent };
}

function exactToText(e: ExactDecimal): string {
  const digits = e.coefficient.toString();
  const sign = e.negative ? '-' : '';
  if (e.exponent >= 0) return sign + digits + '0'.repeat(e.exponent);
  const point = digits.length + e.exponent;
  return point > 0 ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}` : `${sign}0.${'0'.repeat(-point)}${digits}`;
}

/** The exact decimal value of a finite double (every double is a finite binary fraction). */
function exactOfDouble(d: number): ExactDecimal {
  if (Number.isInteger(d)) return normalize(d < 0, BigInt(Math.abs(d)), 0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent2 = biasedExponent === 0 ? -1074 : biasedExponent - 1075;
  if (biasedExponent !== 0) mantissa |= 1n << 52n;
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent2 += 1;
  }
  // Non-integral, so exponent2 < 0: m * 2^-k = m * 5^k * 10^-k.
  return normalize(d < 0, mantissa * 5n ** BigInt(-exponent2), exponent2);
}

function sameExact(a: ExactDecimal, b: ExactDecimal): boolean {
  return a.negative === b.negative && a.coefficient === b.coefficient && a.exponent === b.exponent;
}

function integerValue(e: ExactDecimal): bigint {
  const magnitude = e.coefficient * 10n ** BigInt(e.exponent);
  return e.negative ? -magnitude : magnitude;
}

/** The double that holds this value exactly, if there is one. */
function exactDouble(e: ExactDecimal): number | undefined {
  const d = Number(exactToText(e));
  return Number.isFinite(d) && sameExact(exactOfDouble(d), e) ? (d === 0 ? 0 : d) : undefined;
}

function canonicalNumber(e: ExactNumber): CtyNumber {
  if (e === 'inf') return Infinity;
  if (e === '-inf') return -Infinity;
  if (e.exponent >= 0) return canonicalInteger(integerValue(e));
  return exactDouble(e) ?? new BigDecimal(exactToText(e));
}

function canonicalInteger(i: bigint): number | bigint {
  return i >= -BigInt(Number.MAX_SAFE_INTEGER) && i <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i) : i;
}

function toExact(n: CtyNumber): ExactNumber {
  if (typeof n === 'bigint') return normalize(n < 0n, n < 0n ? -n : n, 0);
  if (n instanceof BigDecimal) return parseExactNumber(n.text) as ExactDecimal;
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return exactOfDouble(n);
}

/** Brings any accepted JS form of a number to the canonical one decoders produce; NaN is rejected. */
export function canonicalizeNumber(n: CtyNumber): CtyNumber {
  if (typeof n === 'number') {
    if (Number.isNaN(n)) throw new CtyError([], 'NaN is not a number cty can hold');
    if (Object.is(n, -0) || !Number.isFinite(n)) return n;
    if (Number.isInteger(n)) return Number.isSafeInteger(n) ? n : BigInt(n);
    return n;
  }
  if (typeof n === 'bigint') return canonicalInteger(n);
  return canonicalNumber(toExact(n));
}

/**
 * What cty puts on the msgpack wire for a number: an int if it fits int64, a float64 if it is non-integral and
 * exactly a double, else decimal text. Integers beyond int64 go as text even when a double holds them: Terraform
 * 1.11.4 sent `1e20` as the string "100000000000000000000" (see fixtures/capture-*).
 */
export type NumberWireForm = { kind: 'int'; value: number | bigint } | { kind: 'float'; value: number } | { kind: 'string'; value: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function numberWireForm(n: CtyNumber): NumberWireForm {
  if (typeof n === 'number') {
    if (Number.isNaN(n)) throw new CtyError([], 'NaN is not a number cty can hold');
    // -0 keeps its sign only as a float; cty itself would send int 0, which equals it.
    if (!Number.isFinite(n) || Object.is(n, -0)) return { kind: 'float', value: n };
    if (Number.isSafeInteger(n)) return { kind: 'int', value: n };
    // A double that is not an integer is exact as itself.
    if (!Number.isInteger(n)) return { kind: 'float', value: n };
  }
  const exact = toExact(n);
  if (typeof exact === 'string') return { kind: 'float', value: exact === 'inf' ? Infinity : -Infinity };
  if (exact.exponent >= 0) {
    const i = integerValue(exact);
    return i >= INT64_MIN && i <= INT64_MAX ? { kind: 'int', value: canonicalInteger(i) } : { kind: 'string', value: i.toString() };
  }
  const d = exactDouble(exact);
  return d !== undefined ? { kind: 'float', value: d } : { kind: 'string', value: exactToText(exact) };
}

/** Plain decimal text of a finite number, as cty writes numbers in JSON (`Text('f', -1)`). */
export function numberToDecimalText(n: CtyNumber): string {
  const exact = toExact(n);
  if (typeof exact === 'string') throw new CtyError([], 'cannot serialize infinity as JSON');
  return exactToText(exact);
}

/** Numeric equality across representations (1 == 1n, -0 == 0, 0.5 == BigDecimal("0.5")). */
export function numberEquals(a: CtyNumber, b: CtyNumber): boolean {
  const ea = toExact(a);
  const eb = toExact(b);
  if (typeof ea === 'string' || typeof eb === 'string') return ea === eb;
  return sameExact(ea, eb);
}

export function isCtyNumber(v: unknown): v is CtyNumber {
  return (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'bigint' || v instanceof BigDecimal;
}

/** A stable text for a number's value, used as a set-membership key. */
export function numberKey(n: CtyNumber): string {
  const exact = toExact(n);
  return typeof exact === 'string' ? exact : exactToText(exact);
}
