// The exit codes the command line documents (docs/cli.md): scripts branch on them.
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** The command failed: the API refused it (e.g. 404, 409, 422), the server could not be reached, or a prompt was cancelled. */
  Failure: 1,
  /** The command line itself is wrong: unknown command or option, a missing or malformed argument, a confirmation required. */
  Usage: 2,
  /** No token, or the server refused it (missing, expired or revoked): log in again. */
  Authentication: 3,
  /** The token is valid but its teams' roles do not allow the operation. */
  Permission: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each code means, for docs/cli.md. */
export const EXIT_CODE_MEANINGS: ReadonlyArray<[ExitCodeValue, string]> = [
  [ExitCode.Ok, 'Done.'],
  [
    ExitCode.Failure,
    'The command failed: the API refused it (404, 409, 422, 429, …), the server could not be reached, or a prompt was cancelled.',
  ],
  [
    ExitCode.Usage,
    'The command line is wrong: unknown command or option, a missing or malformed value, or a confirmation that needs `--yes` off a terminal.',
  ],
  [
    ExitCode.Authentication,
    'Not logged in, or the server refused the token (missing, expired or revoked; HTTP 401). The message says how to fix it.',
  ],
  [ExitCode.Permission, 'The token is valid but the roles of its teams do not allow the operation (HTTP 403).'],
];

/** An error the command line reports in words, with the exit code to end with and an optional hint. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, hint?: string): CliError => new CliError(message, ExitCode.Usage, hint);
export const failure = (message: string, hint?: string): CliError => new CliError(message, ExitCode.Failure, hint);
export const authenticationError = (message: string, hint?: string): CliError => new CliError(message, ExitCode.Authentication, hint);
