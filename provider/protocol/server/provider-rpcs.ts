/**
 * Provider-level RPCs: metadata and schemas, provider configuration, stop, and the features
 * this layer does not offer (functions, resource identity), answered with clear diagnostics.
 */
import type { CtyObject } from '../cty';
import { DiagnosticError, error, type Diagnostic } from '../diagnostics';
import type { CallContext } from '../definition';
import type { Logger } from '../logging/logger';
import type * as T from '../rpc/types';
import { decodeObjectValue } from '../rpc/values';
import { completeObject } from '../values/complete';
import type { Compiled, ServiceRuntime } from './runtime';

/** go-plugin kills a provider 2 s after Shutdown; onStop must be done well before that. */
export const RELEASE_GRACE_MS = 1_500;

export function unsupported(rpc: string, feature: string): Diagnostic {
  return error(`${rpc} is not supported`, `This provider does not support ${feature}.`);
}

export class ProviderRpcs<P> {
  private schemaResponse: T.GetProviderSchemaResponse | null = null;

  constructor(private readonly rt: ServiceRuntime<P>) {}

  private serverCapabilities(): T.ServerCapabilities {
    // get_provider_schema_optional lets the CLI reuse a cached schema across processes;
    // our schemas are static, so that is always safe.
    return { planDestroy: this.rt.definition.planDestroy ?? false, getProviderSchemaOptional: true, moveResourceState: false };
  }

  async getMetadata(): Promise<T.GetMetadataResponse> {
    return {
      serverCapabilities: this.serverCapabilities(),
      diagnostics: [],
      resources: [...this.rt.resources.keys()],
      dataSources: [...this.rt.dataSources.keys()],
      ephemeralResources: [...this.rt.ephemerals.keys()],
      functions: [],
    };
  }

  async getProviderSchema(): Promise<T.GetProviderSchemaResponse> {
    if (!this.schemaResponse) {
      const map = <V extends { compiled: Compiled }>(m: Map<string, V>): Record<string, Compiled['schema']> =>
        Object.fromEntries([...m].map(([k, v]) => [k, v.compiled.schema]));
      this.schemaResponse = {
        provider: this.rt.providerSchema.schema,
        resourceSchemas: map(this.rt.resources),
        dataSourceSchemas: map(this.rt.dataSources),
        ephemeralResourceSchemas: map(this.rt.ephemerals),
        diagnostics: [],
        serverCapabilities: this.serverCapabilities(),
      };
    }
    return this.schemaResponse;
  }

  validateProviderConfig(req: T.ValidateProviderConfigRequest, log?: Logger): Promise<T.ValidateProviderConfigResponse> {
    return validateConfig(
      this.rt,
      'ValidateProviderConfig',
      this.rt.providerSchema,
      this.rt.definition.validateConfig?.bind(this.rt.definition),
      req.config,
      null,
      log,
    );
  }

  configureProvider(req: T.ConfigureProviderRequest, log?: Logger): Promise<T.ConfigureProviderResponse> {
    const compiled = this.rt.providerSchema;
    return this.rt.guarded<T.ConfigureProviderResponse>('ConfigureProvider', log, {}, async (scope) => {
      scope.type = compiled.type;
      const config = decodeObjectValue(req.config, compiled.type) ?? completeObject(compiled.schema.block, {}, null);
      this.rt.redactSecrets(scope.log, compiled.schema.block, config);
      const attempt = Promise.resolve(
        this.rt.definition.configure({
          ...this.rt.context(scope),
          config,
          terraformVersion: req.terraformVersion,
          clientCapabilities: req.clientCapabilities,
        }),
      );
      this.rt.setConfigured(attempt);
      // Later RPCs await the same promise; a failure here must not become an unhandled rejection.
      attempt.catch(() => undefined);
      await attempt;
      if (scope.diagnostics.hasErrors()) {
        const failed = Promise.reject(
          new DiagnosticError(error('Provider configuration failed', 'See the earlier error about the provider configuration.')),
        );
        failed.catch(() => undefined);
        this.rt.setConfigured(failed);
      }
      return {};
    });
  }

  async stopProvider(): Promise<T.StopProviderResponse> {
    this.rt.options.onStop();
    await this.rt.release('stop-provider', AbortSignal.timeout(RELEASE_GRACE_MS));
    return { error: '' };
  }

  async getFunctions(): Promise<T.GetFunctionsResponse> {
    return { functions: {}, diagnostics: [] };
  }

  async callFunction(): Promise<T.CallFunctionResponse> {
    return { error: { text: 'This provider defines no functions.' } };
  }

  async getResourceIdentitySchemas(): Promise<T.GetResourceIdentitySchemasResponse> {
    return { identitySchemas: {}, diagnostics: [] };
  }

  async upgradeResourceIdentity(): Promise<T.UpgradeResourceIdentityResponse> {
    return { diagnostics: [unsupported('UpgradeResourceIdentity', 'resource identity')] };
  }
}

type Validator = (req: CallContext & { config: CtyObject }) => void | Promise<void>;

/**
 * The validate step shared by the provider, resources, data sources and ephemeral resources:
 * decode, hide secrets, refuse write-only values the CLI cannot handle, call the validator.
 */
export function validateConfig<P>(
  rt: ServiceRuntime<P>,
  rpc: string,
  compiled: Compiled,
  validator: Validator | undefined,
  encoded: T.EncodedValue | null,
  capabilities: T.ClientCapabilities | null,
  log: Logger | undefined,
): Promise<T.WithDiagnostics> {
  return rt.guarded<T.WithDiagnostics>(rpc, log, {}, async (scope) => {
    scope.type = compiled.type;
    const config = decodeObjectValue(encoded, compiled.type);
    rt.redactSecrets(scope.log, compiled.schema.block, config);
    if (config === null) return {};
    if (capabilities && !capabilities.writeOnlyAttributesAllowed) {
      for (const [name, a] of Object.entries(compiled.schema.block.attributes ?? {})) {
        if (a.writeOnly && config[name] !== null) {
          scope.diagnostics.error(
            'Write-only attribute not supported',
            `"${name}" is write-only, which needs Terraform 1.11 or OpenTofu 1.11 or later.`,
            [{ attribute: name }],
          );
        }
      }
    }
    if (validator) await validator({ ...rt.context(scope), config });
    return {};
  });
}

/** Validation for a type name of one kind; an unknown type name is a diagnostic. */
export function validateTyped<P, V extends { compiled: Compiled; validate?: Validator }>(
  rt: ServiceRuntime<P>,
  rpc: string,
  map: Map<string, V>,
  what: 'resource' | 'data source' | 'ephemeral resource',
  req: { typeName: string; config: T.EncodedValue | null },
  capabilities: T.ClientCapabilities | null,
  log: Logger | undefined,
): Promise<T.WithDiagnostics> {
  const found = map.get(req.typeName);
  if (!found) return rt.guarded<T.WithDiagnostics>(rpc, log, {}, async () => rt.lookup(map, req.typeName, what) && {});
  return validateConfig(rt, rpc, found.compiled, found.validate?.bind(found), req.config, capabilities, log);
}
