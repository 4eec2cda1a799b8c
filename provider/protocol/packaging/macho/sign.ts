/**
 * Ad-hoc code signing of thin 64-bit Mach-O executables, on any host.
 *
 * On Apple Silicon the kernel kills an executable whose code signature is missing or does not
 * match its pages, and editing a signed binary (appending a section, patching a byte) breaks the
 * signature it had. An ad-hoc signature is what `codesign --sign -` writes: a CodeDirectory of
 * SHA-256 hashes of every 4 KiB page with no certificate behind it. It is enough to run the
 * binary (Gatekeeper treats a downloaded one as from an unidentified developer, as with any
 * unsigned download).
 *
 * Layout written, as Apple's `codesign` writes it for an ad-hoc signature:
 *   SuperBlob (CSMAGIC_EMBEDDED_SIGNATURE) with three entries:
 *     slot 0       CodeDirectory, version 0x20400, CS_ADHOC, SHA-256, 4096-byte pages,
 *                  execSeg = the __TEXT segment (main-binary flag for MH_EXECUTE);
 *     slot 2       Requirements (CSMAGIC_REQUIREMENTS) with no requirement in it;
 *     slot 0x10000 BlobWrapper (CSMAGIC_BLOBWRAPPER) with no CMS data.
 * The signature starts at a 16-byte aligned offset after the rest of __LINKEDIT, is the last thing
 * in the file, and LC_CODE_SIGNATURE points at it. The hashed range (codeLimit) is everything
 * before the signature, load commands included, so they are fixed up before hashing.
 *
 * Not written on purpose: the linker-signed flag (a binary edited after linking is no longer what
 * the linker produced), the hardened-runtime flag (it would need JIT entitlements to run a
 * JavaScript engine), entitlements, and an Info.plist slot (a bare executable has none).
 */
import { createHash } from 'node:crypto';

const MH_MAGIC_64 = 0xfeedfacf;
const MH_CIGAM_64 = 0xcffaedfe;
const MH_MAGIC = 0xfeedface;
const MH_CIGAM = 0xcefaedfe;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
const MH_EXECUTE = 0x2;
const CPU_TYPE_X86_64 = 0x01000007;
const CPU_TYPE_ARM64 = 0x0100000c;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const MACH_HEADER_64_SIZE = 32;
const SEGMENT_COMMAND_64_SIZE = 72;
const SECTION_64_SIZE = 80;
const LINKEDIT_DATA_COMMAND_SIZE = 16;
const SECTION_TYPE_MASK = 0xff;
const ZEROFILL_SECTION_TYPES = new Set([0x1, 0xc, 0x12]); // S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CODEDIRECTORY_VERSION = 0x20400;
/** Fixed part of a version 0x20400 CodeDirectory (through execSegFlags). */
const CODEDIRECTORY_HEADER_SIZE = 88;
const SUPERBLOB_HEADER_SIZE = 12;
const BLOB_INDEX_SIZE = 8;
const HASH_SIZE = 32;
const PAGE_SIZE_LOG2 = 12;
const PAGE_SIZE = 1 << PAGE_SIZE_LOG2;
/** Special slots 1 (Info.plist, none here) and 2 (requirements). */
const SPECIAL_SLOTS = 2;
/** Where codesign and ld64 place the signature inside __LINKEDIT. */
const SIGNATURE_ALIGNMENT = 16;
/** A blob: big-endian magic, big-endian total length, then its data. */
function blob(magic: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(8 + data.length, 4);
  return Buffer.concat([header, data]);
}
/** Requirements blob holding zero requirements (a count of 0). */
const EMPTY_REQUIREMENTS = blob(CSMAGIC_REQUIREMENTS, Buffer.alloc(4));
/** BlobWrapper with no CMS signature inside, as ad-hoc signatures carry. */
const EMPTY_BLOBWRAPPER = blob(CSMAGIC_BLOBWRAPPER, Buffer.alloc(0));

/** The file is not something this signer can sign; the message says why in words. */
export class MachOSignError extends Error {
  override name = 'MachOSignError';
}

interface Segment {
  /** File offset of this segment_command_64. */
  commandOffset: number;
  name: string;
  vmaddr: bigint;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
}

interface ParsedMachO {
  cputype: number;
  filetype: number;
  ncmds: number;
  sizeofcmds: number;
  segments: Segment[];
  /** Lowest file offset holding section or segment contents: the load commands must end before it. */
  firstContentOffset: number;
  codeSignatureCommandOffset: number | undefined;
  codeSignature: { dataoff: number; datasize: number } | undefined;
}

/** Why a file that is not a thin little-endian 64-bit Mach-O is refused, in words. */
function describeMagic(bigEndianMagic: number, littleEndianMagic: number): string | undefined {
  // Fat headers are always big-endian; Mach-O headers are in the target's byte order.
  if (bigEndianMagic === FAT_MAGIC || bigEndianMagic === FAT_MAGIC_64) {
    return 'a universal (fat) Mach-O holding several architectures; sign each thin slice (extract it with lipo -thin) instead';
  }
  if (littleEndianMagic === MH_MAGIC || littleEndianMagic === MH_CIGAM) {
    return 'a 32-bit Mach-O; only 64-bit x86_64 and arm64 executables are supported';
  }
  if (littleEndianMagic === MH_CIGAM_64) return 'a big-endian 64-bit Mach-O; only little-endian x86_64 and arm64 are supported';
  return undefined;
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MachOSignError(`${what} is too large (${value})`);
  return Number(value);
}

function parse(binary: Buffer): ParsedMachO {
  if (binary.length < MACH_HEADER_64_SIZE) {
    throw new MachOSignError(`not a Mach-O file: ${binary.length} bytes is shorter than a Mach-O header`);
  }
  const bigEndianMagic = binary.readUInt32BE(0);
  const magic = binary.readUInt32LE(0);
  const refusal = describeMagic(bigEndianMagic, magic);
  if (refusal !== undefined) throw new MachOSignError(`cannot sign ${refusal}`);
  if (magic !== MH_MAGIC_64) {
    throw new MachOSignError(`not a Mach-O file: magic 0x${bigEndianMagic.toString(16).padStart(8, '0')}`);
  }
  const cputype = binary.readUInt32LE(4);
  if (cputype !== CPU_TYPE_X86_64 && cputype !== CPU_TYPE_ARM64) {
    throw new MachOSignError(`unsupported CPU type 0x${cputype.toString(16)}: only x86_64 and arm64 are supported`);
  }
  const filetype = binary.readUInt32LE(12);
  const ncmds = binary.readUInt32LE(16);
  const sizeofcmds = binary.readUInt32LE(20);
  const commandsEnd = MACH_HEADER_64_SIZE + sizeofcmds;
  if (commandsEnd > binary.length) throw new MachOSignError('truncated Mach-O: load commands run past the end of the file');

  const segments: Segment[] = [];
  let firstContentOffset = binary.length;
  let codeSignatureCommandOffset: number | undefined;
  let codeSignature: ParsedMachO['codeSignature'];
  let offset = MACH_HEADER_64_SIZE;
  for (let i = 0; i < ncmds; i++) {
    if (offset + 8 > commandsEnd) throw new MachOSignError(`malformed Mach-O: load command ${i} starts past sizeofcmds`);
    const cmd = binary.readUInt32LE(offset);
    const cmdsize = binary.readUInt32LE(offset + 4);
    if (cmdsize < 8 || cmdsize % 8 !== 0 || offset + cmdsize > commandsEnd) {
      throw new MachOSignError(`malformed Mach-O: load command ${i} has size ${cmdsize}`);
    }
    if (cmd === LC_SEGMENT_64) {
      if (cmdsize < SEGMENT_COMMAND_64_SIZE) throw new MachOSignError(`malformed Mach-O: segment command ${i} is too short`);
      const name = binary.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, '');
      const segment: Segment = {
        commandOffset: offset,
        name,
        vmaddr: binary.readBigUInt64LE(offset + 24),
        vmsize: binary.readBigUInt64LE(offset + 32),
        fileoff: toSafeNumber(binary.readBigUInt64LE(offset + 40), `segment ${name} file offset`),
        filesize: toSafeNumber(binary.readBigUInt64LE(offset + 48), `segment ${name} file size`),
      };
      if (segment.fileoff + segment.filesize > binary.length) {
        throw new MachOSignError(`truncated Mach-O: segment ${name} runs past the end of the file`);
      }
      segments.push(segment);
      if (segment.filesize > 0 && segment.fileoff > 0) firstContentOffset = Math.min(firstContentOffset, segment.fileoff);
      const nsects = binary.readUInt32LE(offset + 64);
      if (SEGMENT_COMMAND_64_SIZE + nsects * SECTION_64_SIZE > cmdsize) {
        throw new MachOSignError(`malformed Mach-O: segment ${name} lists more sections than its command holds`);
      }
      for (let s = 0; s < nsects; s++) {
        const section = offset + SEGMENT_COMMAND_64_SIZE + s * SECTION_64_SIZE;
        const sectionOffset = binary.readUInt32LE(section + 48);
        const sectionType = binary.readUInt32LE(section + 64) & SECTION_TYPE_MASK;
        if (sectionOffset > 0 && !ZEROFILL_SECTION_TYPES.has(sectionType)) {
          firstContentOffset = Math.min(firstContentOffset, sectionOffset);
        }
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      if (codeSignatureCommandOffset !== undefined) throw new MachOSignError('malformed Mach-O: two LC_CODE_SIGNATURE commands');
      if (cmdsize !== LINKEDIT_DATA_COMMAND_SIZE) throw new MachOSignError(`malformed Mach-O: LC_CODE_SIGNATURE has size ${cmdsize}`);
      codeSignatureCommandOffset = offset;
      codeSignature = { dataoff: binary.readUInt32LE(offset + 8), datasize: binary.readUInt32LE(offset + 12) };
    }
    offset += cmdsize;
  }
  return { cputype, filetype, ncmds, sizeofcmds, segments, firstContentOffset, codeSignatureCommandOffset, codeSignature };
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function checkIdentifier(identifier: string): void {
  // codesign identifiers are bundle-id-like names; keep to printable ASCII so the C string is unambiguous.
  if (!/^[\x21-\x7e]{1,255}$/.test(identifier)) {
    throw new MachOSignError('the signing identifier must be 1 to 255 printable ASCII characters without spaces');
  }
}

/**
 * Returns a copy of `binary` carrying a fresh ad-hoc signature with the given identifier. An
 * existing signature (Apple's, a linker's, or an earlier ad-hoc one) is replaced; a binary without
 * one gets an LC_CODE_SIGNATURE command added. The same input always gives the same bytes.
 */
export function adhocSignMachO(binary: Buffer, identifier: string): Buffer {
  checkIdentifier(identifier);
  const macho = parse(binary);

  const linkedit = macho.segments.find((s) => s.name === '__LINKEDIT');
  const text = macho.segments.find((s) => s.name === '__TEXT');
  if (linkedit === undefined) throw new MachOSignError('the Mach-O has no __LINKEDIT segment to hold a signature');
  if (text === undefined) throw new MachOSignError('the Mach-O has no __TEXT segment');
  const linkeditEnd = linkedit.fileoff + linkedit.filesize;
  for (const segment of macho.segments) {
    if (segment === linkedit) continue;
    if (segment.filesize > 0 && segment.fileoff + segment.filesize > linkedit.fileoff) {
      throw new MachOSignError(`segment ${segment.name} lies after __LINKEDIT in the file; the signature must come last`);
    }
    if (segment.vmaddr + segment.vmsize > linkedit.vmaddr && segment.vmsize > 0n) {
      throw new MachOSignError(`segment ${segment.name} is mapped after __LINKEDIT; __LINKEDIT cannot grow`);
    }
  }

  // Everything before `contentEnd` is kept; the signature starts at the next aligned offset.
  let contentEnd: number;
  if (macho.codeSignature !== undefined) {
    const { dataoff, datasize } = macho.codeSignature;
    if (dataoff < linkedit.fileoff || dataoff + datasize !== linkeditEnd || linkeditEnd !== binary.length) {
      throw new MachOSignError(
        'the existing code signature is not the last thing in __LINKEDIT and in the file; refusing to guess what follows it',
      );
    }
    contentEnd = dataoff;
  } else {
    if (linkeditEnd !== binary.length) {
      throw new MachOSignError(
        `${binary.length - linkeditEnd} bytes follow __LINKEDIT at the end of the file; the signature must come last`,
      );
    }
    const commandsEnd = MACH_HEADER_64_SIZE + macho.sizeofcmds;
    if (commandsEnd + LINKEDIT_DATA_COMMAND_SIZE > macho.firstContentOffset) {
      throw new MachOSignError('no room after the load commands for an LC_CODE_SIGNATURE command');
    }
    if (binary.subarray(commandsEnd, commandsEnd + LINKEDIT_DATA_COMMAND_SIZE).some((b) => b !== 0)) {
      throw new MachOSignError('the space after the load commands is not empty; cannot add LC_CODE_SIGNATURE');
    }
    contentEnd = binary.length;
  }

  const codeLimit = alignUp(contentEnd, SIGNATURE_ALIGNMENT);
  if (codeLimit > 0xffffffff) throw new MachOSignError('binaries of 4 GiB or more are not supported');
  const codeSlots = Math.ceil(codeLimit / PAGE_SIZE);
  const identifierBytes = Buffer.from(`${identifier}\0`, 'latin1');
  const hashOffset = CODEDIRECTORY_HEADER_SIZE + identifierBytes.length + SPECIAL_SLOTS * HASH_SIZE;
  const codeDirectoryLength = hashOffset + codeSlots * HASH_SIZE;
  const blobCount = 3;
  const codeDirectoryOffset = SUPERBLOB_HEADER_SIZE + blobCount * BLOB_INDEX_SIZE;
  const requirementsOffset = codeDirectoryOffset + codeDirectoryLength;
  const blobWrapperOffset = requirementsOffset + EMPTY_REQUIREMENTS.length;
  const superBlobLength = blobWrapperOffset + EMPTY_BLOBWRAPPER.length;
  const datasize = alignUp(superBlobLength, SIGNATURE_ALIGNMENT);

  const out = Buffer.alloc(codeLimit + datasize);
  binary.copy(out, 0, 0, contentEnd);

  // Load commands first: they are inside the hashed range.
  let codeSignatureCommandOffset = macho.codeSignatureCommandOffset;
  if (codeSignatureCommandOffset === undefined) {
    codeSignatureCommandOffset = MACH_HEADER_64_SIZE + macho.sizeofcmds;
    out.writeUInt32LE(macho.ncmds + 1, 16);
    out.writeUInt32LE(macho.sizeofcmds + LINKEDIT_DATA_COMMAND_SIZE, 20);
    out.writeUInt32LE(LC_CODE_SIGNATURE, codeSignatureCommandOffset);
    out.writeUInt32LE(LINKEDIT_DATA_COMMAND_SIZE, codeSignatureCommandOffset + 4);
  }
  out.writeUInt32LE(codeLimit, codeSignatureCommandOffset + 8);
  out.writeUInt32LE(datasize, codeSignatureCommandOffset + 12);
  const linkeditFilesize = out.length - linkedit.fileoff;
  // The kernel maps segments in whole pages: 16 KiB on arm64, 4 KiB on x86_64.
  const segmentPage = macho.cputype === CPU_TYPE_ARM64 ? 0x4000 : 0x1000;
  out.writeBigUInt64LE(BigInt(alignUp(linkeditFilesize, segmentPage)), linkedit.commandOffset + 32);
  out.writeBigUInt64LE(BigInt(linkeditFilesize), linkedit.commandOffset + 48);

  // The signature.
  const sig = codeLimit;
  out.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, sig);
  out.writeUInt32BE(superBlobLength, sig + 4);
  out.writeUInt32BE(blobCount, sig + 8);
  const index: Array<[number, number]> = [
    [CSSLOT_CODEDIRECTORY, codeDirectoryOffset],
    [CSSLOT_REQUIREMENTS, requirementsOffset],
    [CSSLOT_SIGNATURESLOT, blobWrapperOffset],
  ];
  index.forEach(([slot, blobOffset], i) => {
    out.writeUInt32BE(slot, sig + SUPERBLOB_HEADER_SIZE + i * BLOB_INDEX_SIZE);
    out.writeUInt32BE(blobOffset, sig + SUPERBLOB_HEADER_SIZE + i * BLOB_INDEX_SIZE + 4);
  });

  const cd = sig + codeDirectoryOffset;
  out.writeUInt32BE(CSMAGIC_CODEDIRECTORY, cd);
  out.writeUInt32BE(codeDirectoryLength, cd + 4);
  out.writeUInt32BE(CODEDIRECTORY_VERSION, cd + 8);
  out.writeUInt32BE(CS_ADHOC, cd + 12);
  out.writeUInt32BE(hashOffset, cd + 16);
  out.writeUInt32BE(CODEDIRECTORY_HEADER_SIZE, cd + 20); // identOffset
  out.writeUInt32BE(SPECIAL_SLOTS, cd + 24);
  out.writeUInt32BE(codeSlots, cd + 28);
  out.writeUInt32BE(codeLimit, cd + 32);
  out.writeUInt8(HASH_SIZE, cd + 36);
  out.writeUInt8(CS_HASHTYPE_SHA256, cd + 37);
  out.writeUInt8(0, cd + 38); // platform
  out.writeUInt8(PAGE_SIZE_LOG2, cd + 39);
  // spare2, scatterOffset, teamOffset, spare3 and codeLimit64 stay zero (no scatter, no team, < 4 GiB).
  out.writeBigUInt64BE(BigInt(text.fileoff), cd + 64); // execSegBase
  out.writeBigUInt64BE(BigInt(text.filesize), cd + 72); // execSegLimit
  out.writeBigUInt64BE(BigInt(macho.filetype === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0), cd + 80);
  identifierBytes.copy(out, cd + CODEDIRECTORY_HEADER_SIZE);
  // Special slots sit just below hashOffset in reverse order: slot n at hashOffset - n * HASH_SIZE.
  createHash('sha256')
    .update(EMPTY_REQUIREMENTS)
    .digest()
    .copy(out, cd + hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  for (let page = 0; page < codeSlots; page++) {
    const start = page * PAGE_SIZE;
    const end = Math.min(start + PAGE_SIZE, codeLimit);
    createHash('sha256')
      .update(out.subarray(start, end))
      .digest()
      .copy(out, cd + hashOffset + page * HASH_SIZE);
  }

  EMPTY_REQUIREMENTS.copy(out, sig + requirementsOffset);
  EMPTY_BLOBWRAPPER.copy(out, sig + blobWrapperOffset);
  return out;
}
