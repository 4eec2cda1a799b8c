/** Ephemeral-resource RPCs: validate, open, renew, close. */
import type { Logger } from '../logging/logger';
import type * as T from '../rpc/types';
import { decodeObjectValue, encodeValue } from '../rpc/values';
import { completeObject, leafStrings } from '../values/complete';
import { PrivateState } from '../values/private-state';
import { assertKnown } from './known';
import { validateTyped } from './provider-rpcs';
import type { ServiceRuntime } from './runtime';

export class EphemeralRpcs<P> {
  constructor(private readonly rt: ServiceRuntime<P>) {}

  validateEphemeralResourceConfig(
    req: T.ValidateEphemeralResourceConfigRequest,
    log?: Logger,
  ): Promise<T.ValidateEphemeralResourceConfigResponse> {
    return validateTyped(this.rt, 'ValidateEphemeralResourceConfig', this.rt.ephemerals, 'ephemeral resource', req, null, log);
  }

  openEphemeralResource(req: T.OpenEphemeralResourceRequest, log?: Logger): Promise<T.OpenEphemeralResourceResponse> {
    return this.rt.guarded<T.OpenEphemeralResourceResponse>(
      'OpenEphemeralResource',
      log,
      { result: null, renewAt: null, private: null },
      async (scope) => {
        const eph = this.rt.lookup(this.rt.ephemerals, req.typeName, 'ephemeral resource');
        const { schema, type } = eph.compiled;
        scope.type = type;
        const config = decodeObjectValue(req.config, type) ?? completeObject(schema.block, {}, null);
        this.rt.redactSecrets(scope.log, schema.block, config);
        const priv = new PrivateState();
        const provider = await this.rt.provider();
        const opened = await eph.open({ ...this.rt.context(scope), provider, config, private: priv });
        const result = completeObject(schema.block, opened.result, config);
        // Ephemeral results are secrets by nature: hide every string of them from logs.
        for (const s of leafStrings(result)) scope.log.redact(s);
        if (scope.diagnostics.hasErrors()) return { result: null, renewAt: null, private: null };
        assertKnown(result, 'open');
        return { result: encodeValue(result, type), renewAt: opened.renewAt ?? null, private: priv.get() };
      },
    );
  }

  renewEphemeralResource(req: T.RenewEphemeralResourceRequest, log?: Logger): Promise<T.RenewEphemeralResourceResponse> {
    return this.rt.guarded<T.RenewEphemeralResourceResponse>(
      'RenewEphemeralResource',
      log,
      { renewAt: null, private: null },
      async (scope) => {
        const eph = this.rt.lookup(this.rt.ephemerals, req.typeName, 'ephemeral resource');
        const priv = new PrivateState(req.private);
        let renewAt: Date | null = null;
        if (eph.renew) {
          const provider = await this.rt.provider();
          const renewed = await eph.renew({ ...this.rt.context(scope), provider, private: priv });
          if (renewed && renewed.renewAt) renewAt = renewed.renewAt;
        }
        return { renewAt, private: priv.get() };
      },
    );
  }

  closeEphemeralResource(req: T.CloseEphemeralResourceRequest, log?: Logger): Promise<T.CloseEphemeralResourceResponse> {
    return this.rt.guarded<T.CloseEphemeralResourceResponse>('CloseEphemeralResource', log, {}, async (scope) => {
      const eph = this.rt.lookup(this.rt.ephemerals, req.typeName, 'ephemeral resource');
      if (eph.close) {
        const provider = await this.rt.provider();
        await eph.close({ ...this.rt.context(scope), provider, private: new PrivateState(req.private) });
      }
      return {};
    });
  }
}
