// Password hashing for people who sign in to the web page. argon2id with OWASP's minimum
// recommended parameters (19 MiB, 2 passes, 1 lane): ≈ 20 ms per hash on this 2-core machine,
// which keeps a sign-in burst from starving the API while still being memory-hard.
import { hash, verify, parseOptions, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, which isolatedModules cannot read; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export const PASSWORD_HASH_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 12;
// argon2 accepts any length, but an unbounded input is a cheap way to burn CPU on sign-in.
import { PASSWORD_MAX_LENGTH } from '../contract/limits';

export { PASSWORD_MAX_LENGTH };

export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX_LENGTH * 4) return false;
  try {
    return await verify(storedHash, password);
  } catch {
    // A malformed stored hash is treated as a wrong password, never as a server error.
    return false;
  }
}

/** True when the stored hash was made with weaker parameters than today's, so sign-in can upgrade it. */
export function needsRehash(storedHash: string): boolean {
  try {
    const parsed = parseOptions(storedHash);
    return (
      parsed.algorithm !== PASSWORD_HASH_OPTIONS.algorithm ||
      parsed.memoryCost < PASSWORD_HASH_OPTIONS.memoryCost ||
      parsed.timeCost < PASSWORD_HASH_OPTIONS.timeCost
    );
  } catch {
    return true;
  }
}

// Verifying against this when the email is unknown makes "no such user" take as long as
// "wrong password", so timing does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('tessera-dummy-password-for-timing');
  return dummyHash;
}
