/** Managed-resource RPCs: validate, upgrade, read, plan, apply, import. */
import { decodeJsonValue, isWhollyKnown, type CtyObject } from '../cty';
import { DiagnosticError, error, type AttributePath } from '../diagnostics';
import type { Logger } from '../logging/logger';
import { defaultPlan } from '../plan/planner';
import type * as T from '../rpc/types';
import { decodeObjectValue, encodeValue } from '../rpc/values';
import { completeObject, unknownsToNull } from '../values/complete';
import { PrivateState } from '../values/private-state';
import { assertKnown } from './known';
import { unsupported, validateTyped } from './provider-rpcs';
import type { ServiceRuntime } from './runtime';
import { errorToDiagnostics } from './wire';

const EMPTY = Buffer.alloc(0);

export class ResourceRpcs<P> {
  constructor(private readonly rt: ServiceRuntime<P>) {}

  validateResourceConfig(req: T.ValidateResourceConfigRequest, log?: Logger): Promise<T.ValidateResourceConfigResponse> {
    return validateTyped(this.rt, 'ValidateResourceConfig', this.rt.resources, 'resource', req, req.clientCapabilities, log);
  }

  upgradeResourceState(req: T.UpgradeResourceStateRequest, log?: Logger): Promise<T.UpgradeResourceStateResponse> {
    return this.rt.guarded<T.UpgradeResourceStateResponse>('UpgradeResourceState', log, { upgradedState: null }, async (scope) => {
      const resource = this.rt.lookup(this.rt.resources, req.typeName, 'resource');
      const { schema, type } = resource.compiled;
      scope.type = type;
      const json = req.rawState?.json;
      if (!json || json.length === 0) {
        if (req.rawState?.flatmap && Object.keys(req.rawState.flatmap).length > 0) {
          throw new DiagnosticError(
            error(
              'Unsupported state format',
              'This resource was stored by a pre-0.12 Terraform in the legacy flatmap format, which this provider cannot read. Remove it from state and import it again.',
            ),
          );
        }
        return { upgradedState: encodeValue(null, type) };
      }
      const fromVersion = req.version;
      if (fromVersion > schema.version) {
        throw new DiagnosticError(
          error(
            'Resource state from a newer provider',
            `The state was written with schema version ${fromVersion}; this provider only knows versions up to ${schema.version}. Upgrade the provider.`,
          ),
        );
      }
      let source: string | Uint8Array = json;
      if (fromVersion < schema.version && resource.upgradeState) {
        const rawJson = Buffer.from(json).toString('utf8');
        const upgraded = await resource.upgradeState({
          ...this.rt.context(scope),
          fromVersion,
          state: JSON.parse(rawJson) as Record<string, unknown>,
          rawJson,
        });
        source = JSON.stringify(upgraded);
      }
      const value = decodeJsonValue(source, type, { dropUnknownAttributes: true });
      this.rt.redactSecrets(scope.log, schema.block, value);
      const state = completeObject(schema.block, value as CtyObject, null);
      return { upgradedState: encodeValue(state, type) };
    });
  }

  readResource(req: T.ReadResourceRequest, log?: Logger): Promise<T.ReadResourceResponse> {
    return this.rt.guarded<T.ReadResourceResponse>('ReadResource', log, { newState: null, private: EMPTY }, async (scope) => {
      const resource = this.rt.lookup(this.rt.resources, req.typeName, 'resource');
      const { schema, type } = resource.compiled;
      scope.type = type;
      const state = decodeObjectValue(req.currentState, type);
      this.rt.redactSecrets(scope.log, schema.block, state);
      const priv = new PrivateState(req.private);
      if (state === null) return { newState: encodeValue(null, type), private: priv.toWire() };
      const provider = await this.rt.provider();
      const result = await resource.read({ ...this.rt.context(scope), provider, state, private: priv });
      if (result === null) return { newState: encodeValue(null, type), private: priv.toWire() };
      const newState = completeObject(schema.block, result, state);
      this.rt.redactSecrets(scope.log, schema.block, newState);
      assertKnown(newState, 'read');
      return { newState: encodeValue(newState, type), private: priv.toWire() };
    });
  }

  planResourceChange(req: T.PlanResourceChangeRequest, log?: Logger): Promise<T.PlanResourceChangeResponse> {
    return this.rt.guarded<T.PlanResourceChangeResponse>(
      'PlanResourceChange',
      log,
      { plannedState: null, requiresReplace: [], plannedPrivate: EMPTY },
      async (scope) => {
        const resource = this.rt.lookup(this.rt.resources, req.typeName, 'resource');
        const { schema, type } = resource.compiled;
        scope.type = type;
        const prior = decodeObjectValue(req.priorState, type);
        const proposed = decodeObjectValue(req.proposedNewState, type);
        const config = decodeObjectValue(req.config, type);
        this.rt.redactSecrets(scope.log, schema.block, prior, proposed, config);
        const priv = new PrivateState(req.priorPrivate);
        const plan = defaultPlan({ block: schema.block, prior, proposed, config, canUpdate: resource.update !== undefined });
        if (resource.modifyPlan) {
          const provider = await this.rt.provider();
          await resource.modifyPlan({
            ...this.rt.context(scope),
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
          plannedState: encodeValue(planned, type),
          requiresReplace: prior === null ? [] : dedupePaths(plan.requiresReplace),
          plannedPrivate: priv.toWire(),
        };
      },
    );
  }

  applyResourceChange(req: T.ApplyResourceChangeRequest, log?: Logger): Promise<T.ApplyResourceChangeResponse> {
    return this.rt.guarded<T.ApplyResourceChangeResponse>('ApplyResourceChange', log, { newState: null, private: EMPTY }, async (scope) => {
      const resource = this.rt.lookup(this.rt.resources, req.typeName, 'resource');
      const { schema, type } = resource.compiled;
      const prior = decodeObjectValue(req.priorState, type);
      const planned = decodeObjectValue(req.plannedState, type);
      const config = decodeObjectValue(req.config, type);
      this.rt.redactSecrets(scope.log, schema.block, prior, planned, config);
      const priv = new PrivateState(req.plannedPrivate);
      const provider = await this.rt.provider();
      const ctx = { ...this.rt.context(scope), provider, private: priv };
      // On failure the object keeps its prior state (none for a create, the old one for a
      // delete or update), so Terraform neither forgets nor invents it.
      const failed = (err: unknown): T.ApplyResourceChangeResponse => {
        scope.diagnostics.add(...errorToDiagnostics(err, 'ApplyResourceChange', type));
        return { newState: encodeValue(prior, type), private: req.plannedPrivate, diagnostics: [] };
      };
      if (planned === null) {
        try {
          if (prior !== null) await resource.delete({ ...ctx, prior });
        } catch (err) {
          return failed(err);
        }
        return { newState: encodeValue(null, type), private: EMPTY };
      }
      const effectiveConfig = config ?? planned;
      let result: Partial<CtyObject>;
      try {
        if (prior === null) {
          result = await resource.create({ ...ctx, config: effectiveConfig, planned });
        } else if (resource.update) {
          result = await resource.update({ ...ctx, config: effectiveConfig, prior, planned });
        } else {
          throw new DiagnosticError(
            error(
              'Update not supported',
              `Resource type "${resource.typeName}" cannot be updated in place; the provider should have planned a replacement.`,
            ),
          );
        }
      } catch (err) {
        if (err instanceof Error && err.stack && err.name !== 'DiagnosticError') {
          scope.log.debug('Apply failed', { error_type: err.name, stack: err.stack.split('\n').slice(1).join('\n') });
        }
        return failed(err);
      }
      scope.type = type;
      // Attributes the resource left out keep their planned value; planned unknowns it did
      // not resolve become null (an unknown may turn into any value, null included).
      const newState = completeObject(schema.block, result, unknownsToNull(planned) as CtyObject);
      this.rt.redactSecrets(scope.log, schema.block, newState);
      if (scope.diagnostics.hasErrors() && !isWhollyKnown(newState)) {
        // A failed create/update: keep the prior state (null on create) rather than unknowns.
        return { newState: encodeValue(prior, type), private: priv.toWire() };
      }
      assertKnown(newState, 'apply');
      return { newState: encodeValue(newState, type), private: priv.toWire() };
    });
  }

  importResourceState(req: T.ImportResourceStateRequest, log?: Logger): Promise<T.ImportResourceStateResponse> {
    return this.rt.guarded<T.ImportResourceStateResponse>('ImportResourceState', log, { importedResources: [] }, async (scope) => {
      const resource = this.rt.lookup(this.rt.resources, req.typeName, 'resource');
      const { schema, type } = resource.compiled;
      if (!resource.import) {
        throw new DiagnosticError(error('Import not supported', `Resource type "${resource.typeName}" cannot be imported.`));
      }
      const priv = new PrivateState();
      const provider = await this.rt.provider();
      const stub = await resource.import({ ...this.rt.context(scope), provider, id: req.id, private: priv });
      if (scope.diagnostics.hasErrors()) return { importedResources: [] };
      scope.type = type;
      const state = completeObject(schema.block, stub, null);
      assertKnown(state, 'import');
      return { importedResources: [{ typeName: resource.typeName, state: encodeValue(state, type), private: priv.toWire() }] };
    });
  }

  async moveResourceState(_req: T.MoveResourceStateRequest): Promise<T.MoveResourceStateResponse> {
    return { diagnostics: [unsupported('MoveResourceState', 'moving state between resource types')] };
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
