export { adhocSignMachO, MachOSignError } from './sign';
export { verifyMachOSignature } from './verify';
export type { CodeDirectoryInfo, MachOSignatureReport } from './verify';
