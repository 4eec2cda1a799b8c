/**
 * OpenPGP signing of release checksums, as Terraform's registry protocol wants them: a
 * detached, binary (not armored) signature of the SHA256SUMS file, checked against the
 * ASCII-armored public key that the registry lists for the download.
 *
 * Keys are RSA 4096 OpenPGP v4 keys and signatures use SHA-256 without openpgp.js's salt
 * notation: the most widely accepted combination (Terraform's verifier does not accept every
 * algorithm that newer OpenPGP implementations produce).
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as OpenPGP from 'openpgp' with { 'resolution-mode': 'import' };

type OpenPGPModule = typeof OpenPGP;
// openpgp is an ES module (with a CommonJS build for require); load it once, on first use.
let loaded: Promise<OpenPGPModule> | undefined;
function openpgpModule(): Promise<OpenPGPModule> {
  loaded ??= import('openpgp');
  return loaded;
}

async function signingConfig(): Promise<Partial<OpenPGP.Config>> {
  const openpgp = await openpgpModule();
  return { preferredHashAlgorithm: openpgp.enums.hash.sha256, nonDeterministicSignaturesViaNotation: false };
}

export interface SigningKey {
  privateKey: OpenPGP.PrivateKey;
  publicKeyArmored: string;
  /** The 16-hex-digit key ID, upper case, as registries list it. */
  keyId: string;
  fingerprint: string;
}

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

/** Reads an armored private key (decrypting it with `passphrase` if it is protected). */
export async function readSigningKey(armoredPrivateKey: string, passphrase?: string): Promise<SigningKey> {
  const openpgp = await openpgpModule();
  let privateKey: OpenPGP.PrivateKey;
  try {
    privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  } catch (failure) {
    throw new SigningKeyError(`not an armored OpenPGP private key (${failure instanceof Error ? failure.message : String(failure)})`);
  }
  if (!privateKey.isDecrypted()) {
    if (!passphrase) throw new SigningKeyError('the signing key is protected by a passphrase, and none was given');
    try {
      privateKey = await openpgp.decryptKey({ privateKey, passphrase });
    } catch {
      throw new SigningKeyError('the passphrase does not unlock the signing key');
    }
  }
  const publicKeyArmored = privateKey.toPublic().armor();
  return {
    privateKey,
    publicKeyArmored,
    keyId: privateKey.getKeyID().toHex().toUpperCase(),
    fingerprint: privateKey.getFingerprint().toUpperCase(),
  };
}

export async function generateSigningKey(userId: {
  name: string;
  email?: string;
}): Promise<{ armoredPrivateKey: string; key: SigningKey }> {
  const openpgp = await openpgpModule();
  const generated = await openpgp.generateKey({
    type: 'rsa',
    rsaBits: 4096,
    userIDs: [userId],
    format: 'armored',
    config: await signingConfig(),
  });
  return { armoredPrivateKey: generated.privateKey, key: await readSigningKey(generated.privateKey) };
}

/**
 * The key kept in `file`: read it if it exists (it must not be readable by others), else
 * generate one and write it with mode 0600.
 */
export async function loadOrCreateSigningKey(
  file: string,
  userId: { name: string; email?: string },
  passphrase?: string,
): Promise<SigningKey & { created: boolean }> {
  let armored: string | undefined;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new SigningKeyError(`${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`);
    }
    armored = await readFile(file, 'utf8');
  } catch (failure) {
    if (failure instanceof SigningKeyError) throw failure;
    if ((failure as NodeJS.ErrnoException).code !== 'ENOENT') throw failure;
  }
  if (armored !== undefined) return { ...(await readSigningKey(armored, passphrase)), created: false };
  const generated = await generateSigningKey(userId);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, generated.armoredPrivateKey, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { ...generated.key, created: true };
}

/** A detached binary OpenPGP signature of `data`. */
export async function signDetached(data: Uint8Array, key: SigningKey): Promise<Buffer> {
  const openpgp = await openpgpModule();
  const message = await openpgp.createMessage({ binary: data });
  const signature = await openpgp.sign({
    message,
    signingKeys: key.privateKey,
    detached: true,
    format: 'binary',
    config: await signingConfig(),
  });
  return Buffer.from(signature);
}

/** True when `signature` is a valid detached signature of `data` by the armored public key. */
export async function verifyDetached(data: Uint8Array, signature: Uint8Array, publicKeyArmored: string): Promise<boolean> {
  const openpgp = await openpgpModule();
  const verificationKeys = await openpgp.readKey({ armoredKey: publicKeyArmored });
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: data }),
    signature: await openpgp.readSignature({ binarySignature: signature }),
    verificationKeys,
  });
  try {
    for (const s of result.signatures) await s.verified;
    return result.signatures.length > 0;
  } catch {
    return false;
  }
}
