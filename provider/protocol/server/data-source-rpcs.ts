/** Data-source RPCs: validate and read. */
import type { Logger } from '../logging/logger';
import type * as T from '../rpc/types';
import { decodeObjectValue, encodeValue } from '../rpc/values';
import { completeObject } from '../values/complete';
import { assertKnown } from './known';
import { validateTyped } from './provider-rpcs';
import type { ServiceRuntime } from './runtime';

export class DataSourceRpcs<P> {
  constructor(private readonly rt: ServiceRuntime<P>) {}

  validateDataResourceConfig(req: T.ValidateDataResourceConfigRequest, log?: Logger): Promise<T.ValidateDataResourceConfigResponse> {
    return validateTyped(this.rt, 'ValidateDataResourceConfig', this.rt.dataSources, 'data source', req, null, log);
  }

  readDataSource(req: T.ReadDataSourceRequest, log?: Logger): Promise<T.ReadDataSourceResponse> {
    return this.rt.guarded<T.ReadDataSourceResponse>('ReadDataSource', log, { state: null }, async (scope) => {
      const source = this.rt.lookup(this.rt.dataSources, req.typeName, 'data source');
      const { schema, type } = source.compiled;
      scope.type = type;
      const config = decodeObjectValue(req.config, type) ?? completeObject(schema.block, {}, null);
      this.rt.redactSecrets(scope.log, schema.block, config);
      const provider = await this.rt.provider();
      const result = await source.read({ ...this.rt.context(scope), provider, config });
      const state = completeObject(schema.block, result, config);
      this.rt.redactSecrets(scope.log, schema.block, state);
      if (scope.diagnostics.hasErrors()) return { state: null };
      assertKnown(state, 'read');
      return { state: encodeValue(state, type) };
    });
  }
}
