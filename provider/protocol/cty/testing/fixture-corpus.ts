import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCtyNumber } from '../numbers';
import { objectAttributeNames, parseCtyType, validateCtyType, type CtyType } from '../types';
import { ctyObject, DynamicValue, Unknown, type CtyValue, type Refinements } from '../values';

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures');

export interface MsgpackFixture {
  name: string;
  bytes: Uint8Array;
  type: CtyType;
  expected: CtyValue;
  source: string;
  /** Whether our encoder must reproduce the captured bytes exactly. */
  sameBytes: boolean;
  /** The same value as the CLI sent it in `RawState.json` (UpgradeResourceState), from `NAME.rawstate.json`. */
  rawStateJson?: string;
}

/** Loads every `NAME.msgpack.hex` with its `NAME.type.json` and `NAME.expected.json` (see fixtures/README.md). */
export function loadMsgpackFixtures(dir: string = FIXTURE_DIR): MsgpackFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.msgpack.hex'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.msgpack.hex'.length);
      const hex = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .map((line) => line.replace(/#.*/, ''))
        .join('')
        .replace(/\s+/g, '');
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new Error(`${file}: not an even-length hex string`);
      const type = parseCtyType(readFileSync(join(dir, `${name}.type.json`), 'utf8'));
      const rawStatePath = join(dir, `${name}.rawstate.json`);
      const meta = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as {
        source?: string;
        value: unknown;
        sameBytes?: boolean;
      };
      return {
        name,
        bytes: Buffer.from(hex, 'hex'),
        type,
        expected: taggedValue(meta.value, type, name),
        source: meta.source ?? '',
        sameBytes: meta.sameBytes !== false,
        ...(existsSync(rawStatePath) ? { rawStateJson: readFileSync(rawStatePath, 'utf8') } : {}),
      };
    });
}

/** Reads the fixture notation: cty JSON guided by the type, plus `$unknown`, `$number` and `$dynamic` tags. */
export function taggedValue(json: unknown, type: CtyType, where = 'value'): CtyValue {
  if (json === null) return null;
  const tag = singleTag(json);
  if (tag?.[0] === '$unknown') return new Unknown(refinementsOf(tag[1], where));
  const fail = (): never => {
    throw new Error(`${where}: ${JSON.stringify(json)} does not fit type ${JSON.stringify(type)}`);
  };
  if (type === 'dynamic') {
    if (tag?.[0] !== '$dynamic') return fail();
    const { type: t, value } = tag[1] as { type: unknown; value: unknown };
    const innerType = validateCtyType(t);
    return new DynamicValue(innerType, taggedValue(value, innerType, where));
  }
  if (type === 'string') return typeof json === 'string' ? json : fail();
  if (type === 'bool') return typeof json === 'boolean' ? json : fail();
  if (type === 'number') {
    if (tag?.[0] === '$number' && typeof tag[1] === 'string') return parseCtyNumber(tag[1]);
    return typeof json === 'number' ? parseCtyNumber(String(json)) : fail();
  }
  const record = json as Record<string, unknown>;
  switch (type[0]) {
    case 'list':
    case 'set':
      return Array.isArray(json) ? json.map((v, i) => taggedValue(v, type[1], `${where}[${i}]`)) : fail();
    case 'tuple':
      return Array.isArray(json) && json.length === type[1].length
        ? json.map((v, i) => taggedValue(v, type[1][i] as CtyType, `${where}[${i}]`))
        : fail();
    case 'map':
      if (typeof json !== 'object' || Array.isArray(json)) return fail();
      return new Map(Object.keys(record).map((k) => [k, taggedValue(record[k], type[1], `${where}[${k}]`)]));
    case 'object':
      if (typeof json !== 'object' || Array.isArray(json)) return fail();
      return ctyObject(
        objectAttributeNames(type).map(
          (n) => [n, Object.hasOwn(record, n) ? taggedValue(record[n], type[1][n] as CtyType, `${where}.${n}`) : fail()] as const,
        ),
      );
  }
}

function singleTag(json: unknown): [string, unknown] | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const keys = Object.keys(json);
  return keys.length === 1 && keys[0]?.startsWith('$') ? [keys[0], (json as Record<string, unknown>)[keys[0]]] : undefined;
}

function refinementsOf(json: unknown, where: string): Refinements {
  const r = (json ?? {}) as Record<string, unknown>;
  const bound = (v: unknown): [ReturnType<typeof parseCtyNumber>, boolean] | undefined =>
    Array.isArray(v) ? [parseCtyNumber(String(v[0])), v[1] === true] : undefined;
  for (const key of Object.keys(r)) {
    if (!['notNull', 'stringPrefix', 'numberLower', 'numberUpper', 'lengthLower', 'lengthUpper'].includes(key))
      throw new Error(`${where}: unknown refinement ${key}`);
  }
  return {
    notNull: r.notNull === true ? true : undefined,
    stringPrefix: typeof r.stringPrefix === 'string' ? r.stringPrefix : undefined,
    numberLower: bound(r.numberLower),
    numberUpper: bound(r.numberUpper),
    lengthLower: typeof r.lengthLower === 'number' ? r.lengthLower : undefined,
    lengthUpper: typeof r.lengthUpper === 'number' ? r.lengthUpper : undefined,
  };
}
