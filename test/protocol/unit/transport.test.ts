import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { createServerCertificate } from '../../../provider/protocol';
import { handshakeCertificateField } from '../../../provider/protocol/plugin/certificate';
import { checkLaunchEnvironment, handshakeLine, MAGIC_COOKIE_VALUE } from '../../../provider/protocol/plugin/handshake';
import { buildDescriptorJson } from '../../../provider/protocol/proto/generate-descriptor';

test('the committed descriptor.json matches the .proto files (regenerate with generate-descriptor.ts)', () => {
  const committed = readFileSync(join(__dirname, '../../../provider/protocol/proto/descriptor.json'), 'utf8');
  expect(committed).toBe(buildDescriptorJson());
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
