/**
 * Builds the gRPC service definitions (../grpc/server; grpc-js clients take the same shape) from
 * the precompiled descriptor (the method list) and the static encoders and decoders that
 * generate-descriptor.ts writes (messages.generated.ts).
 * Both choices are about start-up, which the CLI pays 2–5 times per command:
 * @grpc/proto-loader derives reflection descriptors for every message up front, and protobufjs'
 * reflection generates each message's code with `new Function` on first use (code the V8 code
 * cache cannot keep); the static code is plain, cacheable JavaScript.
 */
import type { IConversionOptions } from 'protobufjs';
import type { ServiceDefinition } from '../grpc/server';
import descriptor from './descriptor.json';

export interface ProtocolServices {
  provider: ServiceDefinition;
  controller: ServiceDefinition;
  stdio: ServiceDefinition;
  broker: ServiceDefinition;
  health: ServiceDefinition;
}

/** What the static module gives each message type. */
interface StaticMessage {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  fromObject(value: object): object;
  toObject(message: object, options: IConversionOptions): unknown;
}

interface DescriptorNamespace {
  nested?: Record<string, DescriptorNamespace>;
  methods?: Record<string, { requestType: string; responseType: string; requestStream?: boolean; responseStream?: boolean }>;
}

/** What handlers see: field names as in the .proto, int64 as decimal strings, bytes as Buffer. */
const TO_OBJECT: IConversionOptions = { longs: String, enums: Number, bytes: Buffer, defaults: true, oneofs: true };

type StaticTree = { [name: string]: StaticTree } & Partial<StaticMessage>;

function child<T extends object>(parent: T | undefined, name: string): T | undefined {
  return parent && Object.prototype.hasOwnProperty.call(parent, name) ? (parent as Record<string, T>)[name] : undefined;
}

/** A type name as written in a service, relative to the service's package or absolute. */
function messageType(root: StaticTree, packagePath: string[], typeName: string): StaticMessage {
  const parts = typeName.replace(/^\./, '').split('.');
  for (let depth = typeName.startsWith('.') ? 0 : packagePath.length; depth >= 0; depth -= 1) {
    let node: StaticTree | undefined = root;
    for (const part of [...packagePath.slice(0, depth), ...parts]) node = child(node, part);
    if (node && typeof node.encode === 'function') return node as StaticMessage;
  }
  throw new Error(`message type ${typeName} not found in the static protocol messages`);
}

function serviceDefinition(root: StaticTree, fullName: string): ServiceDefinition {
  const path = fullName.split('.');
  let service: DescriptorNamespace | undefined = descriptor as DescriptorNamespace;
  for (const part of path) service = child(service?.nested, part);
  if (!service?.methods) throw new Error(`service ${fullName} is not in the descriptor`);
  const packagePath = path.slice(0, -1);
  const definition: ServiceDefinition = {};
  const serialize =
    (type: StaticMessage) =>
    (value: unknown): Buffer => {
      const bytes = type.encode(type.fromObject(value as object)).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    };
  const deserialize =
    (type: StaticMessage) =>
    (bytes: Buffer): unknown =>
      type.toObject(type.decode(bytes), TO_OBJECT);
  for (const [name, method] of Object.entries(service.methods)) {
    const request = messageType(root, packagePath, method.requestType);
    const response = messageType(root, packagePath, method.responseType);
    definition[name] = {
      path: `/${fullName}/${name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: serialize(request),
      requestDeserialize: deserialize(request),
      responseSerialize: serialize(response),
      responseDeserialize: deserialize(response),
      originalName: name,
    };
  }
  return definition;
}

export function loadProtocolServices(): ProtocolServices {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const root = require('./messages.generated') as StaticTree;
  return {
    provider: serviceDefinition(root, 'tfplugin6.Provider'),
    controller: serviceDefinition(root, 'plugin.GRPCController'),
    stdio: serviceDefinition(root, 'plugin.GRPCStdio'),
    broker: serviceDefinition(root, 'plugin.GRPCBroker'),
    health: serviceDefinition(root, 'grpc.health.v1.Health'),
  };
}
