/**
 * The server certificate for go-plugin AutoMTLS. The client pins exactly this certificate as
 * its only root and checks the name "localhost", so it must be self-signed, CA:TRUE with
 * keyCertSign, carry SAN DNS:localhost and EKU serverAuth, and already be valid (notBefore is
 * backdated against clock skew). ECDSA P-256 via node:crypto: a few milliseconds.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  explicit,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  tlv,
  unsignedInteger,
  utcTime,
  utf8String,
} from './der';

export interface ServerCertificate {
  /** DER bytes: what the handshake line carries (base64, no padding). */
  der: Buffer;
  certificatePem: string;
  privateKeyPem: string;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

function name(commonName: string, organization: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.10'), utf8String(organization))), set(sequence(oid('2.5.4.3'), utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

export function createServerCertificate(now = new Date(), validHours = 24 * 30): ServerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + validHours * 3_600_000);
  const subject = name('localhost', 'Terraform provider');
  // keyUsage bits 0 digitalSignature, 2 keyEncipherment, 4 keyAgreement, 5 keyCertSign
  // → 1010 1100, the two trailing zero bits unused.
  const keyUsage = bitString(Buffer.from([0xac]), 2);
  const extensions = sequence(
    extension('2.5.29.19', true, sequence(boolean(true))),
    extension('2.5.29.15', true, keyUsage),
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    extension('2.5.29.17', false, sequence(tlv(0x82, Buffer.from('localhost', 'ascii')))),
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    ECDSA_WITH_SHA256,
    subject,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    subject,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return {
    der,
    certificatePem: `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----\n`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** go-plugin decodes the handshake's certificate field with Go's RawStdEncoding: no padding. */
export function handshakeCertificateField(der: Buffer): string {
  return der.toString('base64').replace(/=+$/, '');
}

/**
 * AutoMTLS from the launch environment: when the client sent its certificate
 * (PLUGIN_CLIENT_CERT), a fresh server certificate, the TLS settings that accept only that
 * client, and the handshake line's certificate field; otherwise plain, with an empty field.
 */
export function autoMtls(clientCert: string | undefined): {
  tls?: { key: string; cert: string; clientCa: string };
  certificateField: string;
} {
  if (!clientCert || clientCert.trim() === '') return { certificateField: '' };
  const cert = createServerCertificate();
  // Only the CLI that started us holds the private key of PLUGIN_CLIENT_CERT.
  return {
    tls: { key: cert.privateKeyPem, cert: cert.certificatePem, clientCa: clientCert },
    certificateField: handshakeCertificateField(cert.der),
  };
}
