/**
 * Compiles our .proto files into one JSON descriptor (`descriptor.json`), so the provider
 * never parses .proto text at start-up and the bundle needs no files beside it.
 * Run: `npx tsx provider/protocol/proto/generate-descriptor.ts` after editing a .proto file;
 * a test fails when the committed descriptor is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';

export const PROTO_FILES = ['tfplugin6.proto', 'go-plugin.proto', 'health.proto'];

export function buildDescriptorJson(): string {
  const root = new protobuf.Root();
  root.loadSync(
    PROTO_FILES.map((f) => join(__dirname, f)),
    { keepCase: true },
  );
  root.resolveAll();
  return `${JSON.stringify(root.toJSON(), null, 1)}\n`;
}

if (require.main === module) {
  writeFileSync(join(__dirname, 'descriptor.json'), buildDescriptorJson());
}
