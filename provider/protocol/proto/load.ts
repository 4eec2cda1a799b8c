/**
 * Builds grpc-js service definitions straight from the precompiled descriptor
 * (see generate-descriptor.ts) with protobufjs' light build. We skip @grpc/proto-loader on
 * purpose: it derives reflection descriptors for every message up front, which cost more than
 * everything else in a provider's start-up (measured in bench/provider-startup.bench.ts), and
 * the CLI starts 2–5 provider processes per command.
 */
import type * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs/light';
import descriptor from './descriptor.json';

export interface ProtocolServices {
  provider: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  broker: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

/** What handlers see: field names as in the .proto, int64 as decimal strings, bytes as Buffer. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: Buffer, defaults: true, oneofs: true };

function serviceDefinition(root: protobuf.Root, fullName: string): grpc.ServiceDefinition {
  const service = root.lookupService(fullName);
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType;
    const response = method.resolvedResponseType;
    if (!request || !response) throw new Error(`unresolved types for ${fullName}.${method.name}`);
    const serialize =
      (type: protobuf.Type) =>
      (value: unknown): Buffer =>
        Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
    const deserialize =
      (type: protobuf.Type) =>
      (bytes: Buffer): unknown =>
        type.toObject(type.decode(bytes), TO_OBJECT);
    definition[method.name] = {
      path: `/${fullName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serialize(request),
      requestDeserialize: deserialize(request),
      responseSerialize: serialize(response),
      responseDeserialize: deserialize(response),
      originalName: method.name,
    };
  }
  return definition as grpc.ServiceDefinition;
}

export function loadProtocolServices(): ProtocolServices {
  const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
  return {
    provider: serviceDefinition(root, 'tfplugin6.Provider'),
    controller: serviceDefinition(root, 'plugin.GRPCController'),
    stdio: serviceDefinition(root, 'plugin.GRPCStdio'),
    broker: serviceDefinition(root, 'plugin.GRPCBroker'),
    health: serviceDefinition(root, 'grpc.health.v1.Health'),
  };
}
