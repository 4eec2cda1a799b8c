/**
 * Checks the embedded code signature of a thin 64-bit Mach-O the way the kernel checks its pages:
 * every page hash of every CodeDirectory is recomputed from the file, the special slots for the
 * blobs that are embedded (requirements, entitlements) are recomputed, and the placement of the
 * signature is checked (LC_CODE_SIGNATURE inside __LINKEDIT, the signature last in the file,
 * codeLimit where the signature starts).
 *
 * This reads the file on its own terms, sharing no code with the signer beside it, so that the
 * two cannot agree on a mistake. It accepts any hash type Apple defines and CodeDirectories of
 * every version, so it can check signatures made by Apple's codesign and by linkers as well.
 *
 * Not checked: the CMS signature of a certificate-signed binary (trust is not the question here),
 * and the hashes of things that live outside the file (Info.plist, resources of a bundle).
 */
import { createHash } from 'node:crypto';

export interface CodeDirectoryInfo {
  /** The SuperBlob slot it was found in: 0, or 0x1000 + n for alternate CodeDirectories. */
  slot: number;
  version: number;
  flags: number;
  identifier: string;
  teamIdentifier: string | undefined;
  hashType: number;
  pageSize: number;
  codeLimit: number;
  codeSlots: number;
  specialSlots: number;
  execSegBase: bigint | undefined;
  execSegLimit: bigint | undefined;
  execSegFlags: bigint | undefined;
  /** SHA-256 of the whole CodeDirectory blob: the "cdhash" macOS records for a binary, truncated there to 20 bytes. */
  cdhash: string;
}

export interface MachOSignatureReport {
  ok: boolean;
  problems: string[];
  /** The blob types found in the SuperBlob, by slot, in index order. */
  blobs: Array<{ slot: number; magic: number; length: number }>;
  codeDirectories: CodeDirectoryInfo[];
}

const HASHES: Record<number, { algorithm: string; size: number }> = {
  1: { algorithm: 'sha1', size: 20 },
  2: { algorithm: 'sha256', size: 32 },
  3: { algorithm: 'sha256', size: 20 }, // SHA-256 truncated to 20 bytes
  4: { algorithm: 'sha384', size: 48 },
};

/** Special slots whose contents are blobs embedded in the same SuperBlob, with their magic numbers. */
const EMBEDDED_SPECIAL_SLOTS: Record<number, { name: string; magic: number }> = {
  2: { name: 'requirements', magic: 0xfade0c01 },
  5: { name: 'entitlements', magic: 0xfade7171 },
  7: { name: 'DER entitlements', magic: 0xfade7172 },
};

class Problem extends Error {}

/** Bounds-checked reads: a malformed file becomes a problem, never a RangeError. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  private need(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.buf.length) {
      throw new Problem(`${this.what}: a read of ${size} bytes at offset ${offset} is out of bounds (${this.buf.length} bytes)`);
    }
  }
  u8(o: number): number {
    this.need(o, 1);
    return this.buf.readUInt8(o);
  }
  u32le(o: number): number {
    this.need(o, 4);
    return this.buf.readUInt32LE(o);
  }
  u64le(o: number): bigint {
    this.need(o, 8);
    return this.buf.readBigUInt64LE(o);
  }
  u32be(o: number): number {
    this.need(o, 4);
    return this.buf.readUInt32BE(o);
  }
  u64be(o: number): bigint {
    this.need(o, 8);
    return this.buf.readBigUInt64BE(o);
  }
  bytes(o: number, size: number): Buffer {
    this.need(o, size);
    return this.buf.subarray(o, o + size);
  }
  cString(o: number, end: number): string {
    this.need(o, 0);
    const stop = this.buf.indexOf(0, o);
    if (stop < 0 || stop >= end) throw new Problem(`${this.what}: string at ${o} is not NUL-terminated inside its blob`);
    return this.buf.toString('utf8', o, stop);
  }
}

interface LoadCommands {
  segments: Array<{ name: string; vmsize: bigint; fileoff: bigint; filesize: bigint }>;
  signatures: Array<{ dataoff: number; datasize: number }>;
}

function readLoadCommands(file: Reader, length: number, problems: string[]): LoadCommands | undefined {
  const magic = file.u32le(0);
  if (magic !== 0xfeedfacf) {
    problems.push(`not a thin little-endian 64-bit Mach-O (magic 0x${magic.toString(16)})`);
    return undefined;
  }
  const ncmds = file.u32le(16);
  const sizeofcmds = file.u32le(20);
  const out: LoadCommands = { segments: [], signatures: [] };
  let at = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = file.u32le(at);
    const cmdsize = file.u32le(at + 4);
    if (cmdsize < 8 || at + cmdsize > 32 + sizeofcmds || at + cmdsize > length) {
      problems.push(`load command ${i} (0x${cmd.toString(16)}) has a bad size ${cmdsize}`);
      return undefined;
    }
    if (cmd === 0x19) {
      out.segments.push({
        name: file
          .bytes(at + 8, 16)
          .toString('latin1')
          .replace(/\0+$/, ''),
        vmsize: file.u64le(at + 32),
        fileoff: file.u64le(at + 40),
        filesize: file.u64le(at + 48),
      });
    } else if (cmd === 0x1d) {
      out.signatures.push({ dataoff: file.u32le(at + 8), datasize: file.u32le(at + 12) });
    }
    at += cmdsize;
  }
  return out;
}

function checkCodeDirectory(
  file: Buffer,
  sig: Reader,
  slot: number,
  start: number,
  end: number,
  blobsBySlot: Map<number, { offset: number; length: number; magic: number }>,
  signatureOffset: number,
  text: { fileoff: bigint; filesize: bigint } | undefined,
  problems: string[],
): CodeDirectoryInfo {
  const where = `CodeDirectory in slot 0x${slot.toString(16)}`;
  const version = sig.u32be(start + 8);
  const flags = sig.u32be(start + 12);
  const hashOffset = sig.u32be(start + 16);
  const identOffset = sig.u32be(start + 20);
  const specialSlots = sig.u32be(start + 24);
  const codeSlots = sig.u32be(start + 28);
  let codeLimit = sig.u32be(start + 32);
  const hashSize = sig.u8(start + 36);
  const hashType = sig.u8(start + 37);
  const pageSizeLog2 = sig.u8(start + 39);
  let teamIdentifier: string | undefined;
  if (version >= 0x20200) {
    const teamOffset = sig.u32be(start + 48);
    if (teamOffset !== 0) teamIdentifier = sig.cString(start + teamOffset, end);
  }
  if (version >= 0x20300) {
    const codeLimit64 = sig.u64be(start + 56);
    if (codeLimit64 !== 0n) codeLimit = Number(codeLimit64);
  }
  const hasExecSeg = version >= 0x20400;
  const execSegBase = hasExecSeg ? sig.u64be(start + 64) : undefined;
  const execSegLimit = hasExecSeg ? sig.u64be(start + 72) : undefined;
  const execSegFlags = hasExecSeg ? sig.u64be(start + 80) : undefined;
  const identifier = sig.cString(start + identOffset, end);
  const pageSize = pageSizeLog2 === 0 ? 0 : 2 ** pageSizeLog2;
  const cdBytes = sig.bytes(start, end - start);
  const info: CodeDirectoryInfo = {
    slot,
    version,
    flags,
    identifier,
    teamIdentifier,
    hashType,
    pageSize,
    codeLimit,
    codeSlots,
    specialSlots,
    execSegBase,
    execSegLimit,
    execSegFlags,
    cdhash: createHash('sha256').update(cdBytes).digest('hex'),
  };

  const hash = HASHES[hashType];
  if (hash === undefined) {
    problems.push(`${where}: unknown hash type ${hashType}`);
    return info;
  }
  if (hashSize !== hash.size) problems.push(`${where}: hash size ${hashSize} does not match hash type ${hashType}`);
  const digest = (data: Buffer): Buffer => createHash(hash.algorithm).update(data).digest().subarray(0, hash.size);

  if (codeLimit !== signatureOffset) {
    problems.push(`${where}: codeLimit ${codeLimit} is not the signature's offset ${signatureOffset}`);
  }
  const expectedSlots = pageSize === 0 ? 1 : Math.ceil(codeLimit / pageSize);
  if (codeSlots !== expectedSlots) {
    problems.push(`${where}: ${codeSlots} code slots, but codeLimit ${codeLimit} needs ${expectedSlots}`);
  }
  if (hashOffset < specialSlots * hashSize || start + hashOffset + codeSlots * hashSize > end) {
    problems.push(`${where}: its hash slots do not fit inside it`);
    return info;
  }
  if (identOffset + identifier.length + 1 > hashOffset - specialSlots * hashSize) {
    problems.push(`${where}: the identifier overlaps the hash slots`);
  }
  if (hasExecSeg && text !== undefined && execSegFlags !== 0n) {
    if (execSegBase !== text.fileoff || execSegLimit !== text.filesize) {
      problems.push(`${where}: executable segment ${execSegBase}+${execSegLimit} is not __TEXT (${text.fileoff}+${text.filesize})`);
    }
  }

  if (codeLimit > file.length) {
    problems.push(`${where}: codeLimit ${codeLimit} is past the end of the file`);
    return info;
  }
  // Slots beyond codeLimit (or missing ones) are already reported by the count check above.
  const pages = Math.min(codeSlots, expectedSlots);
  let badPages = 0;
  let firstBad = -1;
  for (let page = 0; page < pages; page++) {
    const from = pageSize === 0 ? 0 : page * pageSize;
    const to = pageSize === 0 ? codeLimit : Math.min(from + pageSize, codeLimit);
    const recorded = sig.bytes(start + hashOffset + page * hashSize, hashSize);
    if (!digest(file.subarray(from, to)).equals(recorded)) {
      badPages++;
      if (firstBad < 0) firstBad = page;
    }
  }
  if (badPages > 0) {
    problems.push(
      `${where}: ${badPages} of ${codeSlots} page hashes do not match the file (first: page ${firstBad}, offset ${firstBad * pageSize})`,
    );
  }

  for (let special = 1; special <= specialSlots; special++) {
    const recorded = sig.bytes(start + hashOffset - special * hashSize, hashSize);
    const embedded = EMBEDDED_SPECIAL_SLOTS[special];
    if (embedded === undefined) continue; // lives outside the file (Info.plist, resources, ...)
    const blob = blobsBySlot.get(special);
    if (blob === undefined) {
      if (recorded.some((b) => b !== 0))
        problems.push(`${where}: special slot ${special} (${embedded.name}) has a hash but no such blob is embedded`);
      continue;
    }
    if (blob.magic !== embedded.magic) problems.push(`${where}: the ${embedded.name} blob has magic 0x${blob.magic.toString(16)}`);
    if (!digest(sig.bytes(blob.offset, blob.length)).equals(recorded)) {
      problems.push(`${where}: special slot ${special} does not match the embedded ${embedded.name} blob`);
    }
  }
  for (const [blobSlot] of blobsBySlot) {
    if (EMBEDDED_SPECIAL_SLOTS[blobSlot] !== undefined && blobSlot > specialSlots) {
      problems.push(`${where}: a ${EMBEDDED_SPECIAL_SLOTS[blobSlot]?.name} blob is embedded but not covered by a special slot`);
    }
  }
  return info;
}

/** Recomputes and checks everything in a thin Mach-O's embedded signature that can be checked from the file alone. */
export function verifyMachOSignature(binary: Buffer): MachOSignatureReport {
  const problems: string[] = [];
  const report: MachOSignatureReport = { ok: false, problems, blobs: [], codeDirectories: [] };
  try {
    const file = new Reader(binary, 'Mach-O');
    const commands = readLoadCommands(file, binary.length, problems);
    if (commands === undefined) return report;
    if (commands.signatures.length !== 1) {
      problems.push(commands.signatures.length === 0 ? 'no LC_CODE_SIGNATURE load command' : 'more than one LC_CODE_SIGNATURE');
      return report;
    }
    const [signature] = commands.signatures as [{ dataoff: number; datasize: number }];
    const { dataoff, datasize } = signature;
    const linkedit = commands.segments.find((s) => s.name === '__LINKEDIT');
    const text = commands.segments.find((s) => s.name === '__TEXT');
    if (linkedit === undefined) {
      problems.push('no __LINKEDIT segment');
    } else {
      const linkeditEnd = linkedit.fileoff + linkedit.filesize;
      if (BigInt(dataoff) < linkedit.fileoff || BigInt(dataoff + datasize) > linkeditEnd) {
        problems.push(`the signature (${dataoff}+${datasize}) is not inside __LINKEDIT (${linkedit.fileoff}+${linkedit.filesize})`);
      }
      if (linkeditEnd !== BigInt(dataoff + datasize)) problems.push('__LINKEDIT does not end where the signature ends');
      if (linkedit.vmsize < linkedit.filesize) problems.push('__LINKEDIT maps fewer bytes than it holds in the file');
      for (const other of commands.segments) {
        if (other !== linkedit && other.filesize > 0n && other.fileoff + other.filesize > BigInt(dataoff)) {
          problems.push(`segment ${other.name} overlaps or follows the signature`);
        }
      }
    }
    if (dataoff + datasize !== binary.length) {
      problems.push(
        `the signature ends at ${dataoff + datasize} but the file is ${binary.length} bytes: it must be the last thing in the file`,
      );
    }
    if (dataoff % 16 !== 0) problems.push(`the signature offset ${dataoff} is not 16-byte aligned`);
    if (dataoff + datasize > binary.length) return report;

    const sigBytes = binary.subarray(dataoff, dataoff + datasize);
    const sig = new Reader(sigBytes, 'code signature');
    const magic = sig.u32be(0);
    if (magic !== 0xfade0cc0) {
      problems.push(`the signature is not an embedded-signature SuperBlob (magic 0x${magic.toString(16)})`);
      return report;
    }
    const superLength = sig.u32be(4);
    const count = sig.u32be(8);
    if (superLength > datasize) problems.push(`the SuperBlob says ${superLength} bytes but LC_CODE_SIGNATURE holds ${datasize}`);
    if (12 + count * 8 > superLength) {
      problems.push(`the SuperBlob index of ${count} entries does not fit in it`);
      return report;
    }
    const blobsBySlot = new Map<number, { offset: number; length: number; magic: number }>();
    for (let i = 0; i < count; i++) {
      const slot = sig.u32be(12 + i * 8);
      const offset = sig.u32be(16 + i * 8);
      const blobMagic = sig.u32be(offset);
      const length = sig.u32be(offset + 4);
      if (length < 8 || offset + length > superLength) {
        problems.push(`blob in slot 0x${slot.toString(16)} (${offset}+${length}) runs outside the SuperBlob`);
        continue;
      }
      if (blobsBySlot.has(slot)) problems.push(`slot 0x${slot.toString(16)} appears twice in the SuperBlob`);
      blobsBySlot.set(slot, { offset, length, magic: blobMagic });
      report.blobs.push({ slot, magic: blobMagic, length });
    }

    const codeDirectorySlots = [...blobsBySlot.keys()].filter((s) => s === 0 || (s >= 0x1000 && s < 0x1005));
    if (!blobsBySlot.has(0)) problems.push('no CodeDirectory in slot 0');
    for (const slot of codeDirectorySlots) {
      const blob = blobsBySlot.get(slot);
      if (blob === undefined) continue;
      if (blob.magic !== 0xfade0c02) {
        problems.push(`slot 0x${slot.toString(16)} holds magic 0x${blob.magic.toString(16)}, not a CodeDirectory`);
        continue;
      }
      report.codeDirectories.push(
        checkCodeDirectory(binary, sig, slot, blob.offset, blob.offset + blob.length, blobsBySlot, dataoff, text, problems),
      );
    }
    const wrapper = blobsBySlot.get(0x10000);
    if (wrapper !== undefined && wrapper.magic !== 0xfade0b01) {
      problems.push(`the signature slot holds magic 0x${wrapper.magic.toString(16)}, not a BlobWrapper`);
    }
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    problems.push(error.message);
  }
  report.ok = problems.length === 0;
  return report;
}
