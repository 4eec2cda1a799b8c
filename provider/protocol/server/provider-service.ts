/**
 * The tfplugin6.Provider service: turns RPCs into calls on a ProviderDefinition. Every handler
 * answers (never throws): failures become error diagnostics. The CLI calls RPCs concurrently
 * within one process, so the only shared state is the configured provider value.
 */
import type * as grpc from '@grpc/grpc-js';
import { isWhollyKnown, type CtyObject, type CtyType, type CtyValue } from '../cty';
import { DiagnosticError, Diagnostics, error, formatPath, type AttributePath } from '../diagnostics';
import type {
  CallContext,
  ClientCapabilities,
  DataSourceDefinition,
  EphemeralDefinition,
  ProviderDefinition,
  ResourceDefinition,
  StopReason,
} from '../definition';
import type { Logger } from '../logging/logger';
import { defaultPlan } from '../plan/planner';
import type { ProtoClientCapabilities, ProtoDiagnostic, ProtoRequest, ProtoTimestamp } from '../proto/messages';
import type { BlockSpec, Schema } from '../schema/definition';
import { blockType } from '../schema/implied-type';
import { schemaToProto } from '../schema/to-proto';
import { completeObject, forEachAttributeValue, leafStrings, unknownPaths, unknownsToNull } from '../values/complete';
import { PrivateState } from '../values/private-state';
import { decodeObject, diagnosticToProto, encodeDynamic, errorToDiagnostics, pathToProto } from './wire';
import { decodeJsonValue } from '../cty';

type Response = Record<string, unknown>;
type Handler = (request: ProtoRequest, log: Logger) => Promise<Response>;

interface Compiled {
  schema: Schema;
  type: CtyType;
  /** Names of sensitive and write-only attributes (any depth): log fields never printed. */
  secretNames: string[];
}

function compile(schema: Schema): Compiled {
  return { schema, type: blockType(schema.block), secretNames: secretAttributeNames(schema.block) };
}

function secretAttributeNames(block: BlockSpec, out: string[] = []): string[] {
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    if (a.sensitive || a.writeOnly) out.push(name);
    if (a.nested) secretAttributeNames({ attributes: a.nested.attributes }, out);
  }
  for (const nested of Object.values(block.blocks ?? {})) secretAttributeNames(nested.block, out);
  return out;
}

function capabilities(c: ProtoClientCapabilities | null | undefined): ClientCapabilities {
  return { deferralAllowed: c?.deferral_allowed ?? false, writeOnlyAttributesAllowed: c?.write_only_attributes_allowed ?? false };
}

function timestamp(date: Date): ProtoTimestamp {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
}

/** go-plugin kills a provider 2 s after Shutdown; onStop must be done well before that. */
export const RELEASE_GRACE_MS = 1_500;

export interface ProviderServiceOptions {
  log: Logger;
  /** Aborted by StopProvider; handed to every provider method. */
  stopSignal: AbortSignal;
  onStop: () => void;
}

export class ProviderService<P> {
  private readonly resources = new Map<string, ResourceDefinition<P> & { compiled: Compiled }>();
  private readonly dataSources = new Map<string, DataSourceDefinition<P> & { compiled: Compiled }>();
  private readonly ephemerals = new Map<string, EphemeralDefinition<P> & { compiled: Compiled }>();
  private readonly providerSchema: Compiled;
  private configured: Promise<P> | null = null;
  private schemaResponse: Response | null = null;

  constructor(
    private readonly definition: ProviderDefinition<P>,
    private readonly options: ProviderServiceOptions,
  ) {
    this.providerSchema = compile(definition.schema);
    const register = <T extends { typeName: string; schema: Schema }>(map: Map<string, T & { compiled: Compiled }>, items: readonly T[] | undefined, what: string): void => {
      for (const item of items ?? []) {
        if (!/^[a-z][a-z0-9_]*$/.test(item.typeName)) throw new Error(`${what} type name "${item.typeName}" is not a valid Terraform name`);
        if (map.has(item.typeName)) throw new Error(`${what} "${item.typeName}" is defined twice`);
        map.set(item.typeName, Object.assign(Object.create(item) as T, item, { compiled: compile(item.schema) }));
      }
    };
    register(this.resources, definition.resources, 'resource');
    register(this.dataSources, definition.dataSources, 'data source');
    register(this.ephemerals, definition.ephemeralResources, 'ephemeral resource');
  }

  /** grpc-js implementation object for `server.addService(providerService, …)`. */
  implementation(): grpc.UntypedServiceImplementation {
    const handlers: Record<string, Handler> = {
      GetMetadata: async () => this.getMetadata(),
      GetProviderSchema: async () => this.getProviderSchema(),
      GetResourceIdentitySchemas: async () => ({ identity_schemas: {}, diagnostics: [] }),
      UpgradeResourceIdentity: async () => ({ diagnostics: [unsupported('UpgradeResourceIdentity', 'resource identity')] }),
      ValidateProviderConfig: (r, log) => this.validate('ValidateProviderConfig', this.providerSchema, this.definition.validateConfig, r, log),
      ValidateResourceConfig: (r, log) => this.validateTyped('ValidateResourceConfig', this.resources, 'resource', r, log),
      ValidateDataResourceConfig: (r, log) => this.validateTyped('ValidateDataResourceConfig', this.dataSources, 'data source', r, log),
      ValidateEphemeralResourceConfig: (r, log) => this.validateTyped('ValidateEphemeralResourceConfig', this.ephemerals, 'ephemeral resource', r, log),
      ConfigureProvider: (r, log) => this.configure(r, log),
      UpgradeResourceState: (r, log) => this.upgradeResourceState(r, log),
      ReadResource: (r, log) => this.readResource(r, log),
      PlanResourceChange: (r, log) => this.planResourceChange(r, log),
      ApplyResourceChange: (r, log) => this.applyResourceChange(r, log),
      ImportResourceState: (r, log) => this.importResourceState(r, log),
      MoveResourceState: async () => ({ diagnostics: [unsupported('MoveResourceState', 'moving state between resource types')] }),
      ReadDataSource: (r, log) => this.readDataSource(r, log),
      OpenEphemeralResource: (r, log) => this.openEphemeral(r, log),
      RenewEphemeralResource: (r, log) => this.renewEphemeral(r, log),
      CloseEphemeralResource: (r, log) => this.closeEphemeral(r, log),
      GetFunctions: async () => ({ functions: {}, diagnostics: [] }),
      CallFunction: async () => ({ error: { text: 'This provider defines no functions.' } }),
      StopProvider: async () => {
        this.options.onStop();
        await this.release('stop-provider', AbortSignal.timeout(RELEASE_GRACE_MS));
        return { Error: '' };
      },
    };
    const impl: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(handlers)) {
      impl[name] = (call: grpc.ServerUnaryCall<ProtoRequest, Response>, callback: grpc.sendUnaryData<Response>) => {
        const log = this.options.log
          .with({ tf_rpc: name, tf_resource_type: call.request.type_name || undefined })
          .withSecretFields(this.secretNamesFor(name, call.request.type_name));
        const started = Date.now();
        log.trace('Received request');
        handler(call.request, log).then(
          (response) => {
            log.trace('Served request', { tf_req_duration_ms: Date.now() - started });
            callback(null, response);
          },
          // Handlers catch their own errors; this is the last line of defence.
          (err: unknown) => {
            log.error('Unhandled failure in request handler', { error: err instanceof Error ? err.message : String(err) });
            callback(null, { diagnostics: errorToDiagnostics(err, name).map(diagnosticToProto) });
          },
        );
      };
    }
    return impl;
  }

  /**
   * Runs the definition's onStop hook with the configured provider value, if configuration
   * succeeded; resolves when the hook is done or `signal` aborts, and never rejects.
   */
  async release(reason: StopReason, signal: AbortSignal): Promise<void> {
    const hook = this.definition.onStop;
    if (!hook || !this.configured) return;
    const log = this.options.log.with({ tf_rpc: 'onStop', stop_reason: reason });
    const run = (async () => {
      let provider: P;
      try {
        provider = await this.configured!;
      } catch {
        return; // never configured: nothing was opened
      }
      await hook.call(this.definition, { provider, reason, log, signal });
    })();
    const timedOut = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      await Promise.race([run, timedOut]);
    } catch (err) {
      log.warn('onStop failed', { error: err instanceof Error ? err.message : String(err) });
    }
    run.catch(() => undefined);
  }

  private secretNamesFor(rpc: string, typeName: string | undefined): string[] {
    if (rpc === 'ValidateProviderConfig' || rpc === 'ConfigureProvider') return this.providerSchema.secretNames;
    const found = rpc.includes('Ephemeral')
      ? this.ephemerals.get(typeName ?? '')
      : rpc.includes('Data')
        ? this.dataSources.get(typeName ?? '')
        : this.resources.get(typeName ?? '');
    return found?.compiled.secretNames ?? [];
  }

  private context(log: Logger, diagnostics: Diagnostics): CallContext {
    return { diagnostics, log, signal: this.options.stopSignal };
  }

  /** Runs `body`, collecting diagnostics; exceptions become diagnostics (stack to the debug log). */
  private async guarded(rpc: string, log: Logger, type: CtyType | undefined, body: (d: Diagnostics) => Promise<Response>): Promise<Response> {
    const diagnostics = new Diagnostics();
    let response: Response = {};
    try {
      response = await body(diagnostics);
    } catch (err) {
      if (err instanceof Error && err.stack && !(err.name === 'DiagnosticError' || err.name === 'CtyError')) {
        log.debug('Request failed', { error_type: err.name, stack: err.stack.split('\n').slice(1).join('\n') });
      }
      diagnostics.add(...errorToDiagnostics(err, rpc, type));
    }
    response.diagnostics = diagnostics.items.map(diagnosticToProto) satisfies ProtoDiagnostic[];
    return response;
  }

  /** Registers secret values with the logger before anything else can log them. */
  private redactSecrets(log: Logger, block: BlockSpec, ...values: CtyValue[]): void {
    for (const value of values) {
      forEachAttributeValue(block, value, (a) => a.sensitive === true || a.writeOnly === true, (v) => {
        for (const s of leafStrings(v)) log.redact(s);
      });
    }
  }

  private async provider(): Promise<P> {
    if (!this.configured) {
      throw new DiagnosticError(error('Provider not configured', 'The CLI called a resource operation before ConfigureProvider; this is unexpected.'));
    }
    return this.configured;
  }

  private lookup<T>(map: Map<string, T>, typeName: string | undefined, what: string): T {
    const found = map.get(typeName ?? '');
    if (!found) {
      throw new DiagnosticError(error(`Unsupported ${what} type`, `This provider has no ${what} type "${typeName ?? ''}".`));
    }
    return found;
  }

  // -----------------------------------------------------------------------------------------

  private getMetadata(): Response {
    return {
      server_capabilities: this.serverCapabilities(),
      diagnostics: [],
      resources: [...this.resources.keys()].map((type_name) => ({ type_name })),
      data_sources: [...this.dataSources.keys()].map((type_name) => ({ type_name })),
      ephemeral_resources: [...this.ephemerals.keys()].map((type_name) => ({ type_name })),
      functions: [],
    };
  }

  private serverCapabilities(): Response {
    // get_provider_schema_optional lets the CLI reuse a cached schema across processes;
    // our schemas are static, so that is always safe.
    return { plan_destroy: this.definition.planDestroy ?? false, get_provider_schema_optional: true };
  }

  private getProviderSchema(): Response {
    if (!this.schemaResponse) {
      const map = <T extends { compiled: Compiled }>(m: Map<string, T>): Record<string, unknown> =>
        Object.fromEntries([...m].map(([k, v]) => [k, schemaToProto(v.compiled.schema)]));
      this.schemaResponse = {
        provider: schemaToProto(this.providerSchema.schema),
        resource_schemas: map(this.resources),
        data_source_schemas: map(this.dataSources),
        ephemeral_resource_schemas: map(this.ephemerals),
        functions: {},
        diagnostics: [],
        server_capabilities: this.serverCapabilities(),
      };
    }
    return this.schemaResponse;
  }

  private validate(
    rpc: string,
    compiled: Compiled,
    validator: ((req: CallContext & { config: CtyObject }) => void | Promise<void>) | undefined,
    request: ProtoRequest,
    log: Logger,
  ): Promise<Response> {
    return this.guarded(rpc, log, compiled.type, async (diagnostics) => {
      const config = decodeObject(request.config, compiled.type);
      this.redactSecrets(log, compiled.schema.block, config);
      if (config === null) return {};
      if (request.client_capabilities && !request.client_capabilities.write_only_attributes_allowed) {
        for (const [name, a] of Object.entries(compiled.schema.block.attributes ?? {})) {
          if (a.writeOnly && config[name] !== null) {
            diagnostics.error('Write-only attribute not supported', `"${name}" is write-only, which needs Terraform 1.11 or OpenTofu 1.11 or later.`, [{ attribute: name }]);
          }
        }
      }
      if (validator) await validator({ ...this.context(log, diagnostics), config });
      return {};
    });
  }

  private validateTyped<T extends { compiled: Compiled; validate?: (req: CallContext & { config: CtyObject }) => void | Promise<void> }>(
    rpc: string,
    map: Map<string, T>,
    what: string,
    request: ProtoRequest,
    log: Logger,
  ): Promise<Response> {
    const found = map.get(request.type_name ?? '');
    if (!found) return this.guarded(rpc, log, undefined, async () => this.lookup(map, request.type_name, what) && {});
    return this.validate(rpc, found.compiled, found.validate?.bind(found), request, log);
  }

  private configure(request: ProtoRequest, log: Logger): Promise<Response> {
    const compiled = this.providerSchema;
    return this.guarded('ConfigureProvider', log, compiled.type, async (diagnostics) => {
      const config = decodeObject(request.config, compiled.type) ?? completeObject(compiled.schema.block, {}, null);
      this.redactSecrets(log, compiled.schema.block, config);
      const attempt = Promise.resolve(
        this.definition.configure({
          ...this.context(log, diagnostics),
          config,
          terraformVersion: request.terraform_version ?? '',
          clientCapabilities: capabilities(request.client_capabilities),
        }),
      );
      this.configured = attempt;
      // Later RPCs await the same promise; a failure here must not become an unhandled rejection.
      attempt.catch(() => undefined);
      await attempt;
      if (diagnostics.hasErrors()) {
        this.configured = Promise.reject(new DiagnosticError(error('Provider configuration failed', 'See the earlier error about the provider configuration.')));
        this.configured.catch(() => undefined);
      }
      return {};
    });
  }

  private upgradeResourceState(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('UpgradeResourceState', log, undefined, async (diagnostics) => {
      const resource = this.lookup(this.resources, request.type_name, 'resource');
      const { schema, type } = resource.compiled;
      const json = request.raw_state?.json;
      if (!json || json.length === 0) {
        if (request.raw_state?.flatmap && Object.keys(request.raw_state.flatmap).length > 0) {
          throw new DiagnosticError(error('Unsupported state format', 'This resource was stored by a pre-0.12 Terraform in the legacy flatmap format, which this provider cannot read. Remove it from state and import it again.'));
        }
        return { upgraded_state: encodeDynamic(null, type) };
      }
      const fromVersion = Number(request.version ?? '0');
      if (fromVersion > schema.version) {
        throw new DiagnosticError(error('Resource state from a newer provider', `The state was written with schema version ${fromVersion}; this provider only knows versions up to ${schema.version}. Upgrade the provider.`));
      }
      let source: string | Buffer = json;
      if (fromVersion < schema.version && resource.upgradeState) {
        const rawJson = json.toString('utf8');
        const upgraded = await resource.upgradeState({
          ...this.context(log, diagnostics),
          fromVersion,
          state: JSON.parse(rawJson) as Record<string, unknown>,
          rawJson,
        });
        source = JSON.stringify(upgraded);
      }
      const value = decodeJsonValue(source, type, { dropUnknownAttributes: true });
      this.redactSecrets(log, schema.block, value);
      const state = completeObject(schema.block, value as CtyObject, null);
      return { upgraded_state: encodeDynamic(state, type) };
    });
  }

  private readResource(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('ReadResource', log, undefined, async (diagnostics) => {
      const resource = this.lookup(this.resources, request.type_name, 'resource');
      const { schema, type } = resource.compiled;
      const state = decodeObject(request.current_state, type);
      this.redactSecrets(log, schema.block, state);
      const priv = new PrivateState(request.private);
      if (state === null) return { new_state: encodeDynamic(null, type), private: priv.toWire() };
      const provider = await this.provider();
      const result = await resource.read({ ...this.context(log, diagnostics), provider, state, private: priv });
      if (result === null) return { new_state: encodeDynamic(null, type), private: priv.toWire() };
      const newState = completeObject(schema.block, result, state);
      this.redactSecrets(log, schema.block, newState);
      assertKnown(newState, 'read');
      return { new_state: encodeDynamic(newState, type), private: priv.toWire() };
    });
  }

  private planResourceChange(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('PlanResourceChange', log, undefined, async (diagnostics) => {
      const resource = this.lookup(this.resources, request.type_name, 'resource');
      const { schema, type } = resource.compiled;
      const prior = decodeObject(request.prior_state, type);
      const proposed = decodeObject(request.proposed_new_state, type);
      const config = decodeObject(request.config, type);
      this.redactSecrets(log, schema.block, prior, proposed, config);
      const priv = new PrivateState(request.prior_private);
      const plan = defaultPlan({ block: schema.block, prior, proposed, config, canUpdate: resource.update !== undefined });
      if (resource.modifyPlan) {
        const provider = await this.provider();
        await resource.modifyPlan({
          ...this.context(log, diagnostics),
          provider,
          prior,
          config,
          planned: plan.planned,
          requiresReplace: plan.requiresReplace,
          private: priv,
        });
      }
      const planned = plan.planned === null ? null : completeObject(schema.block, plan.planned, null);
      return {
        planned_state: encodeDynamic(planned, type),
        requires_replace: prior === null ? [] : dedupePaths(plan.requiresReplace).map(pathToProto),
        planned_private: priv.toWire(),
      };
    });
  }

  private applyResourceChange(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('ApplyResourceChange', log, undefined, async (diagnostics) => {
      const resource = this.lookup(this.resources, request.type_name, 'resource');
      const { schema, type } = resource.compiled;
      const prior = decodeObject(request.prior_state, type);
      const planned = decodeObject(request.planned_state, type);
      const config = decodeObject(request.config, type);
      this.redactSecrets(log, schema.block, prior, planned, config);
      const priv = new PrivateState(request.planned_private);
      const provider = await this.provider();
      const ctx = { ...this.context(log, diagnostics), provider, private: priv };
      // On failure the object keeps its prior state (none for a create, the old one for a
      // delete or update), so Terraform neither forgets nor invents it.
      const failed = (err: unknown): Response => {
        diagnostics.add(...errorToDiagnostics(err, 'ApplyResourceChange', type));
        return { new_state: encodeDynamic(prior, type), private: request.prior_private ?? request.planned_private ?? Buffer.alloc(0) };
      };
      if (planned === null) {
        try {
          if (prior !== null) await resource.delete({ ...ctx, prior });
        } catch (err) {
          return failed(err);
        }
        return { new_state: encodeDynamic(null, type), private: Buffer.alloc(0) };
      }
      const effectiveConfig = config ?? planned;
      let result: Partial<CtyObject>;
      try {
        if (prior === null) {
          result = await resource.create({ ...ctx, config: effectiveConfig, planned });
        } else if (resource.update) {
          result = await resource.update({ ...ctx, config: effectiveConfig, prior, planned });
        } else {
          throw new DiagnosticError(error('Update not supported', `Resource type "${resource.typeName}" cannot be updated in place; the provider should have planned a replacement.`));
        }
      } catch (err) {
        if (err instanceof Error && err.stack && err.name !== 'DiagnosticError') {
          log.debug('Apply failed', { error_type: err.name, stack: err.stack.split('\n').slice(1).join('\n') });
        }
        return failed(err);
      }
      // Attributes the resource left out keep their planned value; planned unknowns it did
      // not resolve become null (an unknown may turn into any value, null included).
      const newState = completeObject(schema.block, result, unknownsToNull(planned) as CtyObject);
      this.redactSecrets(log, schema.block, newState);
      if (diagnostics.hasErrors() && !isWhollyKnown(newState)) {
        // A failed create/update: keep the prior state (null on create) rather than unknowns.
        return { new_state: encodeDynamic(prior, type), private: priv.toWire() };
      }
      assertKnown(newState, 'apply');
      return { new_state: encodeDynamic(newState, type), private: priv.toWire() };
    });
  }

  private importResourceState(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('ImportResourceState', log, undefined, async (diagnostics) => {
      const resource = this.lookup(this.resources, request.type_name, 'resource');
      const { schema, type } = resource.compiled;
      if (!resource.import) {
        throw new DiagnosticError(error('Import not supported', `Resource type "${resource.typeName}" cannot be imported.`));
      }
      const priv = new PrivateState();
      const provider = await this.provider();
      const stub = await resource.import({ ...this.context(log, diagnostics), provider, id: request.id ?? '', private: priv });
      if (diagnostics.hasErrors()) return { imported_resources: [] };
      const state = completeObject(schema.block, stub, null);
      assertKnown(state, 'import');
      return {
        imported_resources: [{ type_name: resource.typeName, state: encodeDynamic(state, type), private: priv.toWire() }],
      };
    });
  }

  private readDataSource(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('ReadDataSource', log, undefined, async (diagnostics) => {
      const source = this.lookup(this.dataSources, request.type_name, 'data source');
      const { schema, type } = source.compiled;
      const config = decodeObject(request.config, type) ?? completeObject(schema.block, {}, null);
      this.redactSecrets(log, schema.block, config);
      const provider = await this.provider();
      const result = await source.read({ ...this.context(log, diagnostics), provider, config });
      const state = completeObject(schema.block, result, config);
      this.redactSecrets(log, schema.block, state);
      if (diagnostics.hasErrors()) return {};
      assertKnown(state, 'read');
      return { state: encodeDynamic(state, type) };
    });
  }

  private openEphemeral(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('OpenEphemeralResource', log, undefined, async (diagnostics) => {
      const eph = this.lookup(this.ephemerals, request.type_name, 'ephemeral resource');
      const { schema, type } = eph.compiled;
      const config = decodeObject(request.config, type) ?? completeObject(schema.block, {}, null);
      this.redactSecrets(log, schema.block, config);
      const priv = new PrivateState();
      const provider = await this.provider();
      const opened = await eph.open({ ...this.context(log, diagnostics), provider, config, private: priv });
      const result = completeObject(schema.block, opened.result, config);
      // Ephemeral results are secrets by nature: hide every string of them from logs.
      for (const s of leafStrings(result)) log.redact(s);
      if (diagnostics.hasErrors()) return {};
      assertKnown(result, 'open');
      const response: Response = { result: encodeDynamic(result, type) };
      if (opened.renewAt) response.renew_at = timestamp(opened.renewAt);
      if (priv.get()) response.private = priv.toWire();
      return response;
    });
  }

  private renewEphemeral(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('RenewEphemeralResource', log, undefined, async (diagnostics) => {
      const eph = this.lookup(this.ephemerals, request.type_name, 'ephemeral resource');
      const priv = new PrivateState(request.private);
      const response: Response = {};
      if (eph.renew) {
        const provider = await this.provider();
        const renewed = await eph.renew({ ...this.context(log, diagnostics), provider, private: priv });
        if (renewed && renewed.renewAt) response.renew_at = timestamp(renewed.renewAt);
      }
      if (priv.get()) response.private = priv.toWire();
      return response;
    });
  }

  private closeEphemeral(request: ProtoRequest, log: Logger): Promise<Response> {
    return this.guarded('CloseEphemeralResource', log, undefined, async (diagnostics) => {
      const eph = this.lookup(this.ephemerals, request.type_name, 'ephemeral resource');
      if (eph.close) {
        const provider = await this.provider();
        await eph.close({ ...this.context(log, diagnostics), provider, private: new PrivateState(request.private) });
      }
      return {};
    });
  }
}

function unsupported(rpc: string, feature: string): ProtoDiagnostic {
  return diagnosticToProto(error(`${rpc} is not supported`, `This provider does not support ${feature}.`));
}

function assertKnown(value: CtyObject, operation: string): void {
  const unknown = unknownPaths(value);
  if (unknown.length > 0) {
    throw new DiagnosticError(error(
      'Provider returned an unknown value',
      `After ${operation} these attributes are still unknown, which Terraform does not allow: ${unknown.map(formatPath).join(', ')}. This is a bug in the provider.`,
    ));
  }
}

function dedupePaths(paths: AttributePath[]): AttributePath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const k = JSON.stringify(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
