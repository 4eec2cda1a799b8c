// Turns whatever ended a command into words on stderr and an exit code: the API's problem
// detail and field errors, a hint for authentication and permission failures, the endpoint a
// network error tried. Never a stack trace, never a secret.
import type { Writable } from 'node:stream';
import { API_PREFIX, ApiError, NetworkError } from '../../client';
import type { TokenSource } from '../config/credentials';
import { scrub } from '../output/redact';
import type { Style } from '../output/style';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes';

export interface ReportContext {
  /** Where the token in use came from, when one was. */
  tokenSource?: TokenSource;
  /** Secrets to scrub that may not look like tokens (e.g. what was typed at login). */
  secrets: readonly string[];
}

interface Report {
  exitCode: ExitCodeValue;
  message: string;
  details: string[];
  hint?: string;
}

export function describeError(error: unknown, context: ReportContext): Report {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message, details: [], hint: error.hint };
  if (error instanceof ApiError) return describeProblem(error, context);
  if (error instanceof NetworkError) return describeNetworkError(error);
  return { exitCode: ExitCode.Failure, message: error instanceof Error ? error.message : String(error), details: [] };
}

export function reportError(error: unknown, context: ReportContext, stderr: Writable, style: Style): ExitCodeValue {
  const report = describeError(error, context);
  const lines = [`${style.red('error:')} ${report.message}`, ...report.details.map((detail) => `  ${detail}`)];
  if (report.hint) lines.push(`${style.dim('hint:')} ${report.hint}`);
  stderr.write(`${scrub(lines.join('\n'), context.secrets)}\n`);
  return report.exitCode;
}

function describeProblem(error: ApiError, context: ReportContext): Report {
  const status = `(HTTP ${error.status})`;
  const details = error.errors.map((field) => `${field.field}: ${field.message}`);
  if (error.status === 401) {
    return {
      exitCode: ExitCode.Authentication,
      message: `authentication failed ${status}: ${error.detail}`,
      details,
      hint: authenticationHint(context.tokenSource),
    };
  }
  if (error.status === 403) {
    return {
      exitCode: ExitCode.Permission,
      message: `permission denied ${status}: ${error.detail}`,
      details,
      hint: 'the roles of your teams do not allow this; ask a SysAdmin (`tessera whoami` shows your teams and roles)',
    };
  }
  if (error.status === 429) {
    const retryAfter = error.headers['retry-after'];
    return {
      exitCode: ExitCode.Failure,
      message: `${error.detail} ${status}`,
      details,
      hint: retryAfter ? `try again in ${retryAfter} s` : undefined,
    };
  }
  return { exitCode: ExitCode.Failure, message: `${error.detail} ${status}`, details };
}

function authenticationHint(source: TokenSource | undefined): string {
  if (source?.kind === 'environment') return 'the token in TESSERA_API_TOKEN is missing, expired or revoked: set it to a valid token';
  if (source?.kind === 'profile') {
    const flag = source.profile === 'default' ? '' : ` --profile ${source.profile}`;
    return `the token of profile "${source.profile}" is missing, expired or revoked: log in again with \`tessera login${flag}\``;
  }
  return 'log in with `tessera login`, or set TESSERA_API_TOKEN';
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'no answer in time',
  ECONNRESET: 'the connection was closed before an answer came',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function describeNetworkError(error: NetworkError): Report {
  const reason = (error.code && REASONS[error.code]) ?? error.message;
  const endpoint = endpointOf(error.url);
  return {
    exitCode: ExitCode.Failure,
    message: `cannot reach the Tessera API at ${endpoint}: ${reason}`,
    details: [`tried ${error.url}`],
    hint: 'check that the server is running and the endpoint is right (`tessera login --endpoint URL`, or TESSERA_ENDPOINT)',
  };
}

function endpointOf(url: string): string {
  const index = url.indexOf(API_PREFIX);
  return index > 0 ? url.slice(0, index) : url;
}
