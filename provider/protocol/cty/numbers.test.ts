import {
  BigDecimal,
  decodeJsonValue,
  decodeMsgpack,
  encodeJsonValue,
  encodeMsgpack,
  numberEquals,
  parseCtyNumber,
  type CtyNumber,
} from './index';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const msgpackStr = (s: string) => Buffer.concat([Buffer.from([0xd9, s.length]), Buffer.from(s)]);

describe('exact numbers', () => {
  it.each<[string, string, CtyNumber, string]>([
    // name, wire bytes from cty, decoded value, bytes we write back
    ['int64 max', 'd3 7fffffffffffffff', 2n ** 63n - 1n, 'cf 7fffffffffffffff'],
    ['int64 min', 'd3 8000000000000000', -(2n ** 63n), 'd3 8000000000000000'],
    ['safe integer', 'cb 433fffffffffffff', Number.MAX_SAFE_INTEGER, 'cf 001fffffffffffff'],
    ['small int', '2a', 42, '2a'],
    ['negative fixint', 'ff', -1, 'ff'],
    ['uint32', 'ce ffffffff', 4294967295, 'ce ffffffff'],
    ['float 0.5', 'cb 3fe0000000000000', 0.5, 'cb 3fe0000000000000'],
    ['+Infinity', 'cb 7ff0000000000000', Infinity, 'cb 7ff0000000000000'],
    ['-Infinity', 'cb fff0000000000000', -Infinity, 'cb fff0000000000000'],
    ['float32', 'ca 3fc00000', 1.5, 'cb 3ff8000000000000'],
  ])('%s', (_name, wire, value, reencoded) => {
    const decoded = decodeMsgpack(fromHex(wire), 'number');
    expect(decoded).toEqual(value);
    expect(typeof decoded).toBe(typeof value);
    expect(hex(encodeMsgpack(decoded, 'number'))).toBe(reencoded.replace(/\s+/g, ''));
  });

  it('uint64 max comes back exact and goes out as the decimal string cty would send', () => {
    const decoded = decodeMsgpack(fromHex('cf ffffffffffffffff'), 'number');
    expect(decoded).toBe(2n ** 64n - 1n);
    // Beyond int64 and not an exact double, so cty writes it as text.
    expect(Buffer.from(encodeMsgpack(decoded, 'number')).toString('latin1').slice(1)).toBe('18446744073709551615');
  });

  it('"0.1" as a msgpack string stays exactly 0.1 and goes back as the same string', () => {
    const decoded = decodeMsgpack(fromHex('a3 302e31'), 'number');
    expect(decoded).toBeInstanceOf(BigDecimal);
    expect(String(decoded)).toBe('0.1');
    expect(hex(encodeMsgpack(decoded, 'number'))).toBe('a3302e31');
  });

  it.each([
    '0.1',
    '-123.456',
    '3.1415926535897932384626433832795028841971693993751',
    '0.000000000000000000000000000001',
    '1.0000000000000000000001',
  ])('the non-double decimal %s round-trips as the identical string', (text) => {
    const decoded = decodeMsgpack(msgpackStr(text), 'number');
    expect(decoded).toBeInstanceOf(BigDecimal);
    const out = Buffer.from(encodeMsgpack(decoded, 'number'));
    expect(decodeMsgpack(out, 'number')).toEqual(decoded);
    expect(out.subarray(out[0] === 0xd9 ? 2 : 1).toString()).toBe(text);
  });

  it('1e400 sent as a string is kept exactly (as a bigint) and sent back as cty writes it', () => {
    const decoded = decodeMsgpack(fromHex('a5 3165343030'), 'number');
    expect(decoded).toBe(10n ** 400n);
    const out = Buffer.from(encodeMsgpack(decoded, 'number'));
    expect(out[0]).toBe(0xda); // str16: "1" and 400 zeros
    expect(out.subarray(3).toString()).toBe('1' + '0'.repeat(400));
  });

  it('strings holding doubles decode to plain numbers; integral ones beyond 2^53 to bigint', () => {
    expect(decodeMsgpack(Buffer.concat([Buffer.from([0xa3]), Buffer.from('0.5')]), 'number')).toBe(0.5);
    expect(decodeMsgpack(Buffer.concat([Buffer.from([0xa2]), Buffer.from('12')]), 'number')).toBe(12);
    expect(decodeMsgpack(fromHex('cb 4430000000000000'), 'number')).toBe(2n ** 68n);
    expect(decodeMsgpack(Buffer.concat([Buffer.from([0xa3]), Buffer.from('Inf')]), 'number')).toBe(Infinity);
  });

  it('-0.0 decodes as -0 and goes out as int 0, as cty writes it', () => {
    const decoded = decodeMsgpack(fromHex('cb 8000000000000000'), 'number');
    expect(Object.is(decoded, -0)).toBe(true);
    expect(hex(encodeMsgpack(decoded, 'number'))).toBe('00');
    expect(numberEquals(-0, 0)).toBe(true);
  });

  it('JSON numbers are read from the raw text, never through a double', () => {
    const t = ['list', 'number'] as const;
    const decoded = decodeJsonValue('[9223372036854775807, 18446744073709551615, 0.1, 1e400, -0.000001, 1.5e3]', ['list', 'number']);
    expect(decoded).toEqual([2n ** 63n - 1n, 2n ** 64n - 1n, new BigDecimal('0.1'), 10n ** 400n, new BigDecimal('-0.000001'), 1500]);
    expect(encodeJsonValue(decoded, [...t] as ['list', 'number'])).toBe(
      `[9223372036854775807,18446744073709551615,0.1,1${'0'.repeat(400)},-0.000001,1500]`,
    );
  });

  it('refuses infinity in JSON, as cty does', () => {
    expect(() => encodeJsonValue(Infinity, 'number')).toThrow(/infinity/);
  });

  it("accepts any representation on encode and writes cty's choice", () => {
    expect(hex(encodeMsgpack(5n, 'number'))).toBe('05');
    expect(hex(encodeMsgpack(new BigDecimal('2.50'), 'number'))).toBe('cb4004000000000000');
    expect(hex(encodeMsgpack(2 ** 60, 'number'))).toBe('cf1000000000000000');
    // Integers beyond int64 go as text even when a double holds them (the exact value of the double 1e300 here).
    expect(Buffer.from(encodeMsgpack(1e300, 'number')).subarray(3).toString()).toBe(BigInt(1e300).toString());
    expect(Buffer.from(encodeMsgpack(10n ** 20n, 'number')).toString('hex')).toBe(`b5${Buffer.from('1' + '0'.repeat(20)).toString('hex')}`);
    expect(numberEquals(2 ** 60, 2n ** 60n)).toBe(true);
  });

  it('parses the spellings cty accepts and rejects others', () => {
    expect(parseCtyNumber('1E3')).toBe(1000);
    expect(parseCtyNumber('-.5')).toBe(-0.5);
    expect(parseCtyNumber('+7.')).toBe(7);
    expect(() => parseCtyNumber('0x10')).toThrow();
    expect(() => parseCtyNumber('NaN')).toThrow();
    expect(() => parseCtyNumber('')).toThrow();
    expect(() => parseCtyNumber('1e999999999')).toThrow(/too many digits/);
  });

  it('rejects NaN on the wire and in values', () => {
    expect(() => decodeMsgpack(fromHex('cb 7ff8000000000000'), 'number')).toThrow(/NaN/);
    expect(() => encodeMsgpack(NaN, 'number')).toThrow();
  });
});
