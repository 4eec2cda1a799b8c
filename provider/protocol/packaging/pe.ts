/**
 * Just enough of the PE/COFF format (Windows executables) to package single executables:
 * drop an Authenticode signature that injection would break, and read a resource back to
 * check what was injected.
 */

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
}

export interface PeImage {
  /** IMAGE_FILE_MACHINE_*: 0x8664 for x86-64, 0xaa64 for arm64. */
  machine: number;
  /** PE32+ (64-bit). */
  pe32Plus: boolean;
  /** IMAGE_SUBSYSTEM_*: 3 is a console program. */
  subsystem: number;
  sections: PeSection[];
  /** Data directories as [rva (file offset for the certificate table), size]. */
  dataDirectories: [number, number][];
  /** File offset of the first data directory. */
  dataDirectoryOffset: number;
}

const SECURITY_DIRECTORY = 4;
const RESOURCE_DIRECTORY = 2;

export function parsePe(binary: Buffer): PeImage {
  if (binary.length < 0x40 || binary.toString('latin1', 0, 2) !== 'MZ') throw new Error('not a PE file (no MZ header)');
  const pe = binary.readUInt32LE(0x3c);
  if (pe + 24 > binary.length || binary.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE file (no PE signature)');
  const machine = binary.readUInt16LE(pe + 4);
  const sectionCount = binary.readUInt16LE(pe + 6);
  const optionalSize = binary.readUInt16LE(pe + 20);
  const optional = pe + 24;
  const magic = binary.readUInt16LE(optional);
  if (magic !== 0x10b && magic !== 0x20b) throw new Error(`unknown PE optional header magic 0x${magic.toString(16)}`);
  const pe32Plus = magic === 0x20b;
  const subsystem = binary.readUInt16LE(optional + 68);
  const directoryCount = binary.readUInt32LE(optional + (pe32Plus ? 108 : 92));
  const dataDirectoryOffset = optional + (pe32Plus ? 112 : 96);
  const dataDirectories: [number, number][] = [];
  for (let i = 0; i < directoryCount; i++) {
    dataDirectories.push([binary.readUInt32LE(dataDirectoryOffset + i * 8), binary.readUInt32LE(dataDirectoryOffset + i * 8 + 4)]);
  }
  const sections: PeSection[] = [];
  const table = optional + optionalSize;
  for (let i = 0; i < sectionCount; i++) {
    const at = table + i * 40;
    sections.push({
      name: binary.toString('latin1', at, at + 8).replace(/\0+$/, ''),
      virtualSize: binary.readUInt32LE(at + 8),
      virtualAddress: binary.readUInt32LE(at + 12),
      rawSize: binary.readUInt32LE(at + 16),
      rawOffset: binary.readUInt32LE(at + 20),
    });
  }
  return { machine, pe32Plus, subsystem, sections, dataDirectories, dataDirectoryOffset };
}

/**
 * Removes the Authenticode signature (the certificate table at the end of the file and its
 * data directory entry). Injecting a resource invalidates it anyway; an unsigned executable
 * is honest, a broken signature is not.
 */
export function stripAuthenticode(binary: Buffer): Buffer {
  const image = parsePe(binary);
  const [offset, size] = image.dataDirectories[SECURITY_DIRECTORY] ?? [0, 0];
  if (offset === 0 || size === 0) return binary;
  const out = Buffer.from(binary);
  out.writeUInt32LE(0, image.dataDirectoryOffset + SECURITY_DIRECTORY * 8);
  out.writeUInt32LE(0, image.dataDirectoryOffset + SECURITY_DIRECTORY * 8 + 4);
  // The table is not mapped into memory; when it ends the file (as signing tools write it), cut it off.
  return offset + size >= binary.length - 8 ? out.subarray(0, offset) : out;
}

export function hasAuthenticode(binary: Buffer): boolean {
  const [offset, size] = parsePe(binary).dataDirectories[SECURITY_DIRECTORY] ?? [0, 0];
  return offset !== 0 && size !== 0;
}

function rvaToOffset(image: PeImage, rva: number): number {
  for (const s of image.sections) {
    if (rva >= s.virtualAddress && rva < s.virtualAddress + Math.max(s.virtualSize, s.rawSize))
      return s.rawOffset + (rva - s.virtualAddress);
  }
  throw new Error(`RVA 0x${rva.toString(16)} lies in no section`);
}

/** The data of resource `type`/`name` (first language), or undefined. `type` 10 is RT_RCDATA. */
export function readPeResource(binary: Buffer, type: number, name: string): Buffer | undefined {
  const image = parsePe(binary);
  const [rva, size] = image.dataDirectories[RESOURCE_DIRECTORY] ?? [0, 0];
  if (rva === 0 || size === 0) return undefined;
  const root = rvaToOffset(image, rva);
  const entries = (dir: number): { id: number | string; offset: number; isDir: boolean }[] => {
    const named = binary.readUInt16LE(root + dir + 12);
    const ids = binary.readUInt16LE(root + dir + 14);
    const out = [];
    for (let i = 0; i < named + ids; i++) {
      const at = root + dir + 16 + i * 8;
      const nameField = binary.readUInt32LE(at);
      const dataField = binary.readUInt32LE(at + 4);
      let id: number | string = nameField;
      if (nameField & 0x80000000) {
        const s = root + (nameField & 0x7fffffff);
        id = binary.toString('utf16le', s + 2, s + 2 + binary.readUInt16LE(s) * 2);
      }
      out.push({ id, offset: dataField & 0x7fffffff, isDir: (dataField & 0x80000000) !== 0 });
    }
    return out;
  };
  const typeEntry = entries(0).find((e) => e.id === type && e.isDir);
  if (!typeEntry) return undefined;
  const nameEntry = entries(typeEntry.offset).find((e) => typeof e.id === 'string' && e.id.toUpperCase() === name.toUpperCase() && e.isDir);
  if (!nameEntry) return undefined;
  const language = entries(nameEntry.offset)[0];
  if (!language || language.isDir) return undefined;
  const entry = root + language.offset;
  const dataOffset = rvaToOffset(image, binary.readUInt32LE(entry));
  return binary.subarray(dataOffset, dataOffset + binary.readUInt32LE(entry + 4));
}
