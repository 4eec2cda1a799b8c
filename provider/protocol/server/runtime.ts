/**
 * What the RPC handlers of every kind share: the compiled definitions, the configured
 * provider value, the stop signal, and the rule that a handler answers instead of throwing.
 */
import type { CtyType, CtyValue } from '../cty';
import { DiagnosticError, Diagnostics, error, type Diagnostic } from '../diagnostics';
import type {
  CallContext,
  DataSourceDefinition,
  EphemeralDefinition,
  ProviderDefinition,
  ResourceDefinition,
  StopReason,
} from '../definition';
import type { Logger } from '../logging/logger';
import type { BlockSpec, Schema } from '../schema/definition';
import { blockType } from '../schema/implied-type';
import { forEachAttributeValue, leafStrings } from '../values/complete';
import { errorToDiagnostics } from './wire';

export interface Compiled {
  schema: Schema;
  type: CtyType;
  /** Names of sensitive and write-only attributes (any depth): log fields never printed. */
  secretNames: string[];
}

export function compile(schema: Schema): Compiled {
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

export type Registered<T> = T & { compiled: Compiled };
export type Kind = 'resource' | 'data source' | 'ephemeral resource';

export interface ServiceRuntimeOptions {
  log: Logger;
  stopSignal: AbortSignal;
  onStop: () => void;
}

/** A handler's scratch space: where diagnostics collect, and the type used to place codec errors. */
export interface Scope {
  diagnostics: Diagnostics;
  log: Logger;
  /** Set once the schema is known, so a bad value's diagnostic names its attribute. */
  type?: CtyType;
}

export class ServiceRuntime<P> {
  readonly resources = new Map<string, Registered<ResourceDefinition<P>>>();
  readonly dataSources = new Map<string, Registered<DataSourceDefinition<P>>>();
  readonly ephemerals = new Map<string, Registered<EphemeralDefinition<P>>>();
  readonly providerSchema: Compiled;
  private configured: Promise<P> | null = null;

  constructor(
    readonly definition: ProviderDefinition<P>,
    readonly options: ServiceRuntimeOptions,
  ) {
    this.providerSchema = compile(definition.schema);
    const register = <T extends { typeName: string; schema: Schema }>(
      map: Map<string, Registered<T>>,
      items: readonly T[] | undefined,
      what: Kind,
    ): void => {
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

  /** Secret attribute names of the definition an RPC addresses, for the per-call logger. */
  secretNamesFor(rpc: string, typeName: string | undefined): string[] {
    if (rpc === 'ValidateProviderConfig' || rpc === 'ConfigureProvider') return this.providerSchema.secretNames;
    const found = rpc.includes('Ephemeral')
      ? this.ephemerals.get(typeName ?? '')
      : rpc.includes('Data')
        ? this.dataSources.get(typeName ?? '')
        : this.resources.get(typeName ?? '');
    return found?.compiled.secretNames ?? [];
  }

  context(scope: Scope): CallContext {
    return { diagnostics: scope.diagnostics, log: scope.log, signal: this.options.stopSignal };
  }

  /**
   * Runs a handler body; exceptions become diagnostics (the stack goes to the debug log only).
   * `fallback` is the response used when the body throws.
   */
  async guarded<R extends { diagnostics: Diagnostic[] }>(
    rpc: string,
    log: Logger | undefined,
    fallback: Omit<R, 'diagnostics'>,
    body: (scope: Scope) => Promise<Omit<R, 'diagnostics'>>,
  ): Promise<R> {
    const scope: Scope = { diagnostics: new Diagnostics(), log: log ?? this.options.log };
    let response: Omit<R, 'diagnostics'>;
    try {
      response = await body(scope);
    } catch (err) {
      if (err instanceof Error && err.stack && !(err.name === 'DiagnosticError' || err.name === 'CtyError')) {
        scope.log.debug('Request failed', { error_type: err.name, stack: err.stack.split('\n').slice(1).join('\n') });
      }
      scope.diagnostics.add(...errorToDiagnostics(err, rpc, scope.type));
      response = fallback;
    }
    return { ...response, diagnostics: scope.diagnostics.items } as R;
  }

  /** Registers secret values with the logger before anything else can log them. */
  redactSecrets(log: Logger, block: BlockSpec, ...values: CtyValue[]): void {
    for (const value of values) {
      forEachAttributeValue(
        block,
        value,
        (a) => a.sensitive === true || a.writeOnly === true,
        (v) => {
          for (const s of leafStrings(v)) log.redact(s);
        },
      );
    }
  }

  setConfigured(value: Promise<P> | null): void {
    this.configured = value;
  }

  async provider(): Promise<P> {
    if (!this.configured) {
      throw new DiagnosticError(
        error('Provider not configured', 'The CLI called a resource operation before ConfigureProvider; this is unexpected.'),
      );
    }
    return this.configured;
  }

  /**
   * Runs the definition's onStop hook with the configured provider value, if configuration
   * succeeded; resolves when the hook is done or `signal` aborts, and never rejects.
   */
  async release(reason: StopReason, signal: AbortSignal): Promise<void> {
    const hook = this.definition.onStop;
    const configured = this.configured;
    if (!hook || !configured) return;
    const log = this.options.log.with({ tf_rpc: 'onStop', stop_reason: reason });
    const run = (async () => {
      let provider: P;
      try {
        provider = await configured;
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

  lookup<T>(map: Map<string, T>, typeName: string | undefined, what: Kind): T {
    const found = map.get(typeName ?? '');
    if (!found) {
      throw new DiagnosticError(error(`Unsupported ${what} type`, `This provider has no ${what} type "${typeName ?? ''}".`));
    }
    return found;
  }
}
