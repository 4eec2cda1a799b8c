/**
 * What a provider author writes: a provider definition holding resources, data sources and
 * ephemeral resources, each a plain object with a schema and async methods. Values are cty
 * values (see ./cty); `ObjectReader` (./values/reader) turns them into plain TypeScript values.
 */
import type { CtyObject } from './cty';
import type { Diagnostics } from './diagnostics';
import type { Logger } from './logging/logger';
import type { Schema } from './schema/definition';
import type { AttributePath } from './diagnostics';
import type { PrivateState } from './values/private-state';

export type { CtyObject };

export interface ClientCapabilities {
  deferralAllowed: boolean;
  writeOnlyAttributesAllowed: boolean;
}

/** Handed to every provider method. */
export interface CallContext {
  diagnostics: Diagnostics;
  log: Logger;
  /** Aborted when the CLI calls StopProvider (Ctrl-C) or the process is shutting down. */
  signal: AbortSignal;
}

/** Handed to methods that run after ConfigureProvider: `provider` is what `configure` returned. */
export interface ConfiguredContext<P> extends CallContext {
  provider: P;
}

// ---------------------------------------------------------------------------------------------
// Managed resources

export interface ValidateRequest extends CallContext {
  /** May contain unknown values during plan; never fail on them, validation runs again later. */
  config: CtyObject;
}

export interface CreateRequest<P> extends ConfiguredContext<P> {
  config: CtyObject;
  /** The planned state: computed attributes not set in config are `Unknown`. */
  planned: CtyObject;
  private: PrivateState;
}

export interface UpdateRequest<P> extends ConfiguredContext<P> {
  config: CtyObject;
  prior: CtyObject;
  planned: CtyObject;
  private: PrivateState;
}

export interface DeleteRequest<P> extends ConfiguredContext<P> {
  prior: CtyObject;
  private: PrivateState;
}

export interface ReadRequest<P> extends ConfiguredContext<P> {
  /** The state as stored (after upgrade). */
  state: CtyObject;
  private: PrivateState;
}

export interface ImportRequest<P> extends ConfiguredContext<P> {
  id: string;
  private: PrivateState;
}

export interface ModifyPlanRequest<P> extends ConfiguredContext<P> {
  /** null when the resource is being created. */
  prior: CtyObject | null;
  /** null when the resource is being destroyed (only with `planDestroy`). */
  config: CtyObject | null;
  /**
   * The plan built by the layer (proposed state, computed → unknown, write-only → null);
   * change it in place. null on destroy.
   */
  planned: CtyObject | null;
  /** Add paths here to force replacement (in addition to `requiresReplace` attributes). */
  requiresReplace: AttributePath[];
  private: PrivateState;
}

export interface UpgradeStateRequest extends CallContext {
  /** The schema version recorded in the state. */
  fromVersion: number;
  /** The stored attributes, parsed with JSON.parse (use rawJson when numbers beyond 2^53 matter). */
  state: Record<string, unknown>;
  /** The raw JSON text, for exact numbers. */
  rawJson: string;
}

export interface ResourceDefinition<P = unknown> {
  typeName: string;
  schema: Schema;
  validate?(req: ValidateRequest): void | Promise<void>;
  /** Adjust the plan: custom replacement triggers, warnings, values known in advance. */
  modifyPlan?(req: ModifyPlanRequest<P>): void | Promise<void>;
  /** Returns the new state; attributes left out are taken from the plan, else null. */
  create(req: CreateRequest<P>): Promise<Partial<CtyObject>> | Partial<CtyObject>;
  /** Returns the remote object's state, or null when it no longer exists. */
  read(req: ReadRequest<P>): Promise<Partial<CtyObject> | null> | Partial<CtyObject> | null;
  /** Without update, every change to a non-computed attribute forces replacement. */
  update?(req: UpdateRequest<P>): Promise<Partial<CtyObject>> | Partial<CtyObject>;
  delete(req: DeleteRequest<P>): Promise<void> | void;
  /**
   * Turns an import id into a stub state (at least what `read` needs). Without it, import is
   * refused with a diagnostic. The layer then calls `read`.
   */
  import?(req: ImportRequest<P>): Promise<Partial<CtyObject>> | Partial<CtyObject>;
  /**
   * Converts state written with an older schema version (JSON form) to the current one; the
   * result is then fitted to the current schema (unknown attributes dropped, missing → null).
   */
  upgradeState?(req: UpgradeStateRequest): Record<string, unknown> | Promise<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------
// Data sources

export interface DataSourceReadRequest<P> extends ConfiguredContext<P> {
  config: CtyObject;
}

export interface DataSourceDefinition<P = unknown> {
  typeName: string;
  schema: Schema;
  validate?(req: ValidateRequest): void | Promise<void>;
  /** Returns the state; attributes left out take their config value, else null. */
  read(req: DataSourceReadRequest<P>): Promise<Partial<CtyObject>> | Partial<CtyObject>;
}

// ---------------------------------------------------------------------------------------------
// Ephemeral resources

export interface EphemeralOpenRequest<P> extends ConfiguredContext<P> {
  config: CtyObject;
  private: PrivateState;
}

export interface EphemeralOpenResult {
  result: Partial<CtyObject>;
  /** When the CLI should call renew (if the run lasts that long). */
  renewAt?: Date;
}

export interface EphemeralRenewRequest<P> extends ConfiguredContext<P> {
  private: PrivateState;
}

export interface EphemeralDefinition<P = unknown> {
  typeName: string;
  schema: Schema;
  validate?(req: ValidateRequest): void | Promise<void>;
  open(req: EphemeralOpenRequest<P>): Promise<EphemeralOpenResult> | EphemeralOpenResult;
  renew?(req: EphemeralRenewRequest<P>): Promise<{ renewAt?: Date } | void> | { renewAt?: Date } | void;
  close?(req: EphemeralRenewRequest<P>): Promise<void> | void;
}

// ---------------------------------------------------------------------------------------------
// The provider

export interface ConfigureRequest extends CallContext {
  /** May contain unknowns when the provider config depends on other resources. */
  config: CtyObject;
  terraformVersion: string;
  clientCapabilities: ClientCapabilities;
}

/** Why the provider is being stopped; see `ProviderDefinition.onStop`. */
export type StopReason =
  /** The CLI called StopProvider (e.g. Ctrl-C): in-flight calls are being cancelled. */
  | 'stop-provider'
  /** The CLI called the go-plugin controller's Shutdown: the process ends right after. */
  | 'shutdown'
  /** The process received SIGTERM. */
  | 'signal'
  /** The CLI that started the process is gone. */
  | 'parent-exited';

export interface StopRequest<P> {
  /** What `configure` returned. */
  provider: P;
  reason: StopReason;
  log: Logger;
  /**
   * Aborted when the time left before the process is ended has run out (go-plugin kills a
   * provider 2 s after Shutdown). Not the StopProvider signal: that is already aborted.
   */
  signal: AbortSignal;
}

export interface ProviderDefinition<P = unknown> {
  /** The provider type name (e.g. `aws`), used in logs. */
  typeName: string;
  /** The provider block's schema; use `defineSchema({})` when it has no settings. */
  schema: Schema;
  validateConfig?(req: ValidateRequest): void | Promise<void>;
  /** Runs once per provider process; what it returns is passed to every resource method. */
  configure(req: ConfigureRequest): P | Promise<P>;
  resources?: ReadonlyArray<ResourceDefinition<P>>;
  dataSources?: ReadonlyArray<DataSourceDefinition<P>>;
  ephemeralResources?: ReadonlyArray<EphemeralDefinition<P>>;
  /** Ask the CLI to call PlanResourceChange for destroys too (modifyPlan sees `planned: null`). */
  planDestroy?: boolean;
  /**
   * Runs when the CLI stops the provider and again before the process ends (Shutdown, SIGTERM,
   * parent gone), once the provider is configured: the place to undo what must not outlive the
   * run, because the CLI does not always close what it opened (it skips closing an ephemeral
   * resource when something downstream of it failed). Bounded by `signal`; may run more than
   * once, so it must be idempotent. Nothing runs on SIGKILL.
   */
  onStop?(req: StopRequest<P>): void | Promise<void>;
}

/** Identity helpers that only fix the generic parameter, for readable definitions. */
export function defineProvider<P>(definition: ProviderDefinition<P>): ProviderDefinition<P> {
  return definition;
}
export function defineResource<P>(definition: ResourceDefinition<P>): ResourceDefinition<P> {
  return definition;
}
export function defineDataSource<P>(definition: DataSourceDefinition<P>): DataSourceDefinition<P> {
  return definition;
}
export function defineEphemeralResource<P>(definition: EphemeralDefinition<P>): EphemeralDefinition<P> {
  return definition;
}
