/**
 * Loads the precompiled descriptor (see generate-descriptor.ts). proto-loader's `fromJSON`
 * skips .proto parsing, which matters because every CLI command starts 2–5 provider processes.
 */
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import descriptor from './descriptor.json';

export interface ProtocolServices {
  provider: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  broker: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

export function loadProtocolServices(): ProtocolServices {
  // The JSON's inferred literal type is narrower than protobufjs' INamespace union.
  const definition = fromJSON(descriptor as unknown as Parameters<typeof fromJSON>[0], {
    keepCase: true,
    longs: String,
    enums: Number,
    bytes: Buffer,
    defaults: true,
    oneofs: true,
  });
  const service = (name: string): grpc.ServiceDefinition => {
    const found = definition[name];
    // Message types carry a `format` key; services are plain method maps.
    if (!found || 'format' in found) throw new Error(`service ${name} missing from descriptor`);
    return found as grpc.ServiceDefinition;
  };
  return {
    provider: service('tfplugin6.Provider'),
    controller: service('plugin.GRPCController'),
    stdio: service('plugin.GRPCStdio'),
    broker: service('plugin.GRPCBroker'),
    health: service('grpc.health.v1.Health'),
  };
}
