/**
 * What a provider author writes: a provider definition holding resources, data sources and
 * ephemeral resources, each a plain object with a schema and async methods. Values are cty
 * values (see ./cty); `ObjectReader` (./values/reader) turns them into plain TypeScript values.
 */
import type { CtyObject } from './cty';
import type { Diagnostics } from './diagnostics';
import type { Logger } from './logging/logger';
import type { Schema, SchemaSpec } from './schema/definition';
import type { Model, ModelResult } from './schema/model';
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

export interface ValidateRequest<S extends SchemaSpec = SchemaSpec> extends CallContext {
  /** May contain unknown values during plan; never fail on them, validation runs again later. */
  config: Model<S, 'unresolved'>;
}

export interface CreateRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  config: Model<S, 'config'>;
  /** The planned state: computed attributes not set in config are `Unknown`. */
  planned: Model<S, 'plan'>;
  private: PrivateState;
}

export interface UpdateRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  config: Model<S, 'config'>;
  prior: Model<S, 'state'>;
  planned: Model<S, 'plan'>;
  private: PrivateState;
}

export interface DeleteRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  prior: Model<S, 'state'>;
  private: PrivateState;
}

export interface ReadRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  /** The state as stored (after upgrade). */
  state: Model<S, 'state'>;
  private: PrivateState;
}

export interface ImportRequest<P> extends ConfiguredContext<P> {
  id: string;
  private: PrivateState;
}

export interface ModifyPlanRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  /** null when the resource is being created. */
  prior: Model<S, 'state'> | null;
  /** null when the resource is being destroyed (only with `planDestroy`). */
  config: Model<S, 'unresolved'> | null;
  /**
   * The plan built by the layer (proposed state, computed → unknown, write-only → null);
   * change it in place. null on destroy.
   */
  planned: Model<S, 'unresolved'> | null;
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

/**
 * A managed resource. `S` is the schema's spec (inferred from `schema`), which types the values
 * every method sees (see ./schema/model); with the plain `Schema` type they are `CtyObject`s.
 */
export interface ResourceDefinition<P = unknown, S extends SchemaSpec = SchemaSpec> {
  typeName: string;
  schema: Schema<S>;
  validate?(req: ValidateRequest<S>): void | Promise<void>;
  /** Adjust the plan: custom replacement triggers, warnings, values known in advance. */
  modifyPlan?(req: ModifyPlanRequest<P, S>): void | Promise<void>;
  /** Returns the new state; attributes left out are taken from the plan, else null. */
  create(req: CreateRequest<P, S>): Promise<ModelResult<S>> | ModelResult<S>;
  /** Returns the remote object's state, or null when it no longer exists. */
  read(req: ReadRequest<P, S>): Promise<ModelResult<S> | null> | ModelResult<S> | null;
  /** Without update, every change to a non-computed attribute forces replacement. */
  update?(req: UpdateRequest<P, S>): Promise<ModelResult<S>> | ModelResult<S>;
  delete(req: DeleteRequest<P, S>): Promise<void> | void;
  /**
   * Turns an import id into a stub state (at least what `read` needs). Without it, import is
   * refused with a diagnostic. The layer then calls `read`.
   */
  import?(req: ImportRequest<P>): Promise<ModelResult<S>> | ModelResult<S>;
  /**
   * Converts state written with an older schema version (JSON form) to the current one; the
   * result is then fitted to the current schema (unknown attributes dropped, missing → null).
   */
  upgradeState?(req: UpgradeStateRequest): Record<string, unknown> | Promise<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------
// Data sources

export interface DataSourceReadRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  config: Model<S, 'config'>;
}

export interface DataSourceDefinition<P = unknown, S extends SchemaSpec = SchemaSpec> {
  typeName: string;
  schema: Schema<S>;
  validate?(req: ValidateRequest<S>): void | Promise<void>;
  /** Returns the state; attributes left out take their config value, else null. */
  read(req: DataSourceReadRequest<P, S>): Promise<ModelResult<S>> | ModelResult<S>;
}

// ---------------------------------------------------------------------------------------------
// Ephemeral resources

export interface EphemeralOpenRequest<P, S extends SchemaSpec = SchemaSpec> extends ConfiguredContext<P> {
  config: Model<S, 'config'>;
  private: PrivateState;
}

export interface EphemeralOpenResult<S extends SchemaSpec = SchemaSpec> {
  result: ModelResult<S>;
  /** When the CLI should call renew (if the run lasts that long). */
  renewAt?: Date;
}

export interface EphemeralRenewRequest<P> extends ConfiguredContext<P> {
  private: PrivateState;
}

export interface EphemeralDefinition<P = unknown, S extends SchemaSpec = SchemaSpec> {
  typeName: string;
  schema: Schema<S>;
  validate?(req: ValidateRequest<S>): void | Promise<void>;
  open(req: EphemeralOpenRequest<P, S>): Promise<EphemeralOpenResult<S>> | EphemeralOpenResult<S>;
  renew?(req: EphemeralRenewRequest<P>): Promise<{ renewAt?: Date } | void> | { renewAt?: Date } | void;
  close?(req: EphemeralRenewRequest<P>): Promise<void> | void;
}

// ---------------------------------------------------------------------------------------------
// The provider

export interface ConfigureRequest<S extends SchemaSpec = SchemaSpec> extends CallContext {
  /** May contain unknowns when the provider config depends on other resources. */
  config: Model<S, 'unresolved'>;
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

export interface ProviderDefinition<P = unknown, S extends SchemaSpec = SchemaSpec> {
  /** The provider type name (e.g. `aws`), used in logs. */
  typeName: string;
  /** The provider block's schema; use `defineSchema({})` when it has no settings. */
  schema: Schema<S>;
  validateConfig?(req: ValidateRequest<S>): void | Promise<void>;
  /** Runs once per provider process; what it returns is passed to every resource method. */
  configure(req: ConfigureRequest<S>): P | Promise<P>;
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

/**
 * Identity helpers that fix the generic parameters, for readable definitions. Given only `P`
 * (`defineResource<Client>({...})`), TypeScript cannot infer the schema type as well, so the
 * values stay `CtyObject`s; use `forProvider<P>()` to get typed values and a fixed `P`.
 */
export function defineProvider<P, S extends SchemaSpec = SchemaSpec>(definition: ProviderDefinition<P, S>): ProviderDefinition<P, S> {
  return definition;
}
export function defineResource<P, S extends SchemaSpec = SchemaSpec>(definition: ResourceDefinition<P, S>): ResourceDefinition<P, S> {
  return definition;
}
export function defineDataSource<P, S extends SchemaSpec = SchemaSpec>(definition: DataSourceDefinition<P, S>): DataSourceDefinition<P, S> {
  return definition;
}
export function defineEphemeralResource<P, S extends SchemaSpec = SchemaSpec>(
  definition: EphemeralDefinition<P, S>,
): EphemeralDefinition<P, S> {
  return definition;
}

/** Definition helpers bound to one provider's configured value `P`, inferring each schema's type. */
export interface ProviderKit<P> {
  resource<const S extends SchemaSpec>(definition: ResourceDefinition<P, S>): ResourceDefinition<P, S>;
  dataSource<const S extends SchemaSpec>(definition: DataSourceDefinition<P, S>): DataSourceDefinition<P, S>;
  ephemeralResource<const S extends SchemaSpec>(definition: EphemeralDefinition<P, S>): EphemeralDefinition<P, S>;
}

/**
 * `const { resource } = forProvider<MyClient>()` then `resource({ schema, create({ config,
 * provider }) { … } })`: `provider` is a `MyClient` and `config.name` a `string`.
 */
export function forProvider<P>(): ProviderKit<P> {
  return {
    resource: (definition) => definition,
    dataSource: (definition) => definition,
    ephemeralResource: (definition) => definition,
  };
}
