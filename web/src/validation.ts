// Instant feedback for what a person can get wrong by typing; the API stays the judge and its
// problem+json errors[] are shown the same way (see add-token-dialog.ts).
export const TOKEN_NAME_MAX_LENGTH = 100;

export function tokenNameProblem(raw: string): string | null {
  const name = raw.trim();
  if (name.length === 0) return 'Enter a name for the token.';
  if ([...name].length > TOKEN_NAME_MAX_LENGTH) {
    return `Use at most ${TOKEN_NAME_MAX_LENGTH} characters (this one has ${[...name].length}).`;
  }
  return null;
}

export function emailProblem(raw: string): string | null {
  if (raw.trim().length === 0) return 'Enter your email address.';
  return null;
}

export function passwordProblem(raw: string): string | null {
  if (raw.length === 0) return 'Enter your password.';
  return null;
}
