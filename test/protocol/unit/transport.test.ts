import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { createServerCertificate } from '../../../provider/protocol';
import { handshakeCertificateField } from '../../../provider/protocol/plugin/certificate';
import { checkLaunchEnvironment, handshakeLine, MAGIC_COOKIE_VALUE } from '../../../provider/protocol/plugin/handshake';
import { buildDescriptorJson, buildStaticMessages } from '../../../provider/protocol/proto/generate-descriptor';
import { loadProtocolServices } from '../../../provider/protocol/proto/load';

test('the committed descriptor.json matches the .proto files (regenerate with generate-descriptor.ts)', () => {
  const committed = readFileSync(join(__dirname, '../../../provider/protocol/proto/descriptor.json'), 'utf8');
  expect(committed).toBe(buildDescriptorJson());
});

test('the committed static messages match the .proto files (regenerate with generate-descriptor.ts)', async () => {
  const committed = readFileSync(join(__dirname, '../../../provider/protocol/proto/messages.generated.ts'), 'utf8');
  expect(committed).toBe(await buildStaticMessages());
});

test('the static encoders write what reflection writes and read it back the same way', () => {
  const root = protobuf.Root.fromJSON(
    JSON.parse(readFileSync(join(__dirname, '../../../provider/protocol/proto/descriptor.json'), 'utf8')) as protobuf.INamespace,
  );
  const reflected = root.lookupType('tfplugin6.GetProviderSchema.Response');
  const response = {
    provider: { version: '0', block: { attributes: [] } },
    resource_schemas: {
      thing: {
        version: '3',
        block: {
          attributes: [
            { name: 'id', type: Buffer.from('"string"'), computed: true },
            { name: 'tags', nested_type: { attributes: [{ name: 'k', type: Buffer.from('"string"'), optional: true }], nesting: 3 } },
          ],
          block_types: [{ type_name: 'rule', nesting: 2, min_items: '1', max_items: '9007199254740993', block: { attributes: [] } }],
        },
      },
    },
    diagnostics: [
      { severity: 1, summary: 'sum', detail: 'detail', attribute: { steps: [{ attribute_name: 'a' }, { element_key_int: '-7' }] } },
    ],
    server_capabilities: { get_provider_schema_optional: true, plan_destroy: true },
  };
  const method = loadProtocolServices().provider.GetProviderSchema;
  if (!method) throw new Error('no GetProviderSchema');
  const bytes = method.responseSerialize(response);
  expect(Buffer.from(bytes)).toEqual(Buffer.from(reflected.encode(reflected.fromObject(response)).finish()));
  const options = { longs: String, enums: Number, bytes: Buffer, defaults: true, oneofs: true };
  expect(method.responseDeserialize(bytes)).toEqual(reflected.toObject(reflected.decode(bytes), options));
  // The message named Object (nested attributes) must not shadow the global Object.
  expect(Object.keys({ a: 1 })).toEqual(['a']);
  expect((Object.prototype as Record<string, unknown>).attributes).toBeUndefined();
});

test('field numbers the CLI depends on', () => {
  const root = protobuf.Root.fromJSON(
    JSON.parse(readFileSync(join(__dirname, '../../../provider/protocol/proto/descriptor.json'), 'utf8')) as protobuf.INamespace,
  );
  const field = (type: string, name: string) => root.lookupType(type).fields[name]?.id;
  expect(field('tfplugin6.ValidateProviderConfig.Response', 'diagnostics')).toBe(2);
  expect(field('tfplugin6.Schema.Attribute', 'write_only')).toBe(11);
  expect(field('tfplugin6.Schema.Attribute', 'nested_type')).toBe(10);
  expect(field('tfplugin6.GetProviderSchema.Response', 'ephemeral_resource_schemas')).toBe(8);
  expect(field('tfplugin6.GetProviderSchema.Response', 'server_capabilities')).toBe(6);
  expect(field('tfplugin6.PlanResourceChange.Response', 'legacy_type_system')).toBe(5);
  expect(field('tfplugin6.OpenEphemeralResource.Response', 'private')).toBe(4);
  expect(field('tfplugin6.StopProvider.Response', 'Error')).toBe(1);
  expect(root.lookupService('tfplugin6.Provider').methods.GetResourceIdentitySchemas).toBeDefined();
});

test('the server certificate has what go-plugin pins and checks', () => {
  const cert = createServerCertificate(new Date('2026-06-01T12:00:00Z'));
  const x = new X509Certificate(cert.der);
  expect(x.subject).toContain('CN=localhost');
  expect(x.subjectAltName).toBe('DNS:localhost');
  expect(x.ca).toBe(true);
  expect(x.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
  expect(x.verify(x.publicKey)).toBe(true);
  expect(new Date(x.validFrom).getTime()).toBeLessThanOrEqual(new Date('2026-06-01T11:59:00Z').getTime());
  expect(x.checkPrivateKey(createPrivateKey(cert.privateKeyPem))).toBe(true);
  expect(cert.certificatePem).toBe(x.toString());
});

test('the handshake certificate field is unpadded standard base64', () => {
  for (let i = 0; i < 5; i++) {
    const { der } = createServerCertificate();
    const field = handshakeCertificateField(der);
    expect(field).not.toContain('=');
    expect(Buffer.from(field, 'base64').equals(der)).toBe(true);
  }
  expect(handshakeLine('unix', '/tmp/p.sock', 'QUJD')).toBe('1|6|unix|/tmp/p.sock|grpc|QUJD\n');
});

test('launch checks: cookie and protocol 6 in the offered versions, in any order', () => {
  expect(checkLaunchEnvironment({}).ok).toBe(false);
  expect(checkLaunchEnvironment({ TF_PLUGIN_MAGIC_COOKIE: 'wrong' }).ok).toBe(false);
  expect(checkLaunchEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '6,5' }).ok).toBe(true);
  expect(checkLaunchEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' }).ok).toBe(false);
  expect(checkLaunchEnvironment({ TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE }).ok).toBe(true);
});
