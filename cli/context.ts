// What a running command has at hand: its I/O, the global options, the configuration file, the
// credentials in use and a typed API client whose exchanges --debug prints (redacted).
import type { Writable } from 'node:stream';
import { createClient, type TesseraClient } from '../client';
import { nodeTransport, type NodeTransport } from '../client/node-transport';
import { configPath, readConfig, writeConfig, type ConfigFile } from './config/config-file';
import { resolveCredentials, selectedProfile, type Credentials, type TokenSource } from './config/credentials';
import { debugLogger } from './output/debug-log';
import { Printer, type OutputFormat } from './output/printer';
import type { Stdin } from './terminal/input';
import { version } from '../package.json';

export type Stream = Writable & { isTTY?: boolean };

export interface Io {
  stdin: Stdin;
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  output: OutputFormat;
  profile?: string;
  debug: boolean;
}

export class CommandContext {
  readonly printer: Printer;
  readonly configFile: string;
  /** Secrets this run handled that may not look like tokens; scrubbed from errors and --debug. */
  readonly secrets: string[] = [];
  tokenSource?: TokenSource;
  private config?: ConfigFile;
  private transport?: NodeTransport;

  constructor(
    readonly io: Io,
    readonly globals: GlobalOptions,
  ) {
    this.printer = new Printer(globals.output, io.stdout, io.stderr, io.env);
    this.configFile = configPath(io.env);
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  loadConfig(): ConfigFile {
    this.config ??= readConfig(this.configFile);
    return this.config;
  }

  saveConfig(config: ConfigFile): void {
    writeConfig(this.configFile, config);
    this.config = config;
  }

  profileName(): string {
    return selectedProfile(this.globals.profile, this.env, this.loadConfig());
  }

  /** The endpoint and token to use, or an authentication error saying how to log in. */
  credentials(): Credentials {
    const credentials = resolveCredentials(this.env, this.loadConfig(), this.profileName());
    this.useToken(credentials.token, credentials.source);
    return credentials;
  }

  useToken(token: string, source?: TokenSource): void {
    this.secrets.push(token);
    if (source) this.tokenSource = source;
  }

  client(credentials: Credentials = this.credentials()): TesseraClient {
    return this.clientFor(credentials.endpoint, credentials.token);
  }

  clientFor(endpoint: string, token?: string): TesseraClient {
    this.transport ??= nodeTransport({ timeoutMs: timeoutFrom(this.env) });
    return createClient({
      endpoint,
      token,
      transport: this.transport,
      headers: () => ({ 'User-Agent': `tessera-cli/${version} node/${process.versions.node}` }),
      onExchange: this.globals.debug ? debugLogger(this.io.stderr, () => this.secrets) : undefined,
    });
  }
}

function timeoutFrom(env: NodeJS.ProcessEnv): number | undefined {
  const seconds = Number(env['TESSERA_TIMEOUT']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
