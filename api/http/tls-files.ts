// Reads the PEM files named by TESSERA_TLS_CERT / TESSERA_TLS_KEY and checks them before the
// server starts, so a wrong path or a key that does not belong to the certificate stops
// `npm start` with one sentence naming the variable instead of failing at the first handshake.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { ConfigError } from '../config';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The leaf certificate's subject and expiry, for the start-up log. */
  subject: string;
  validTo: string;
}

function readPem(variable: string, file: string, marker: RegExp, what: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (code ?? 'unreadable');
    throw new ConfigError(`${variable}: cannot read ${file} (${reason})`);
  }
  if (!marker.test(content.toString('latin1'))) throw new ConfigError(`${variable}: ${file} does not hold a PEM ${what}`);
  return content;
}

export function loadTlsFiles(files: { certFile: string; keyFile: string }): TlsMaterial {
  const cert = readPem('TESSERA_TLS_CERT', files.certFile, /-----BEGIN CERTIFICATE-----/, 'certificate ("-----BEGIN CERTIFICATE-----")');
  const key = readPem(
    'TESSERA_TLS_KEY',
    files.keyFile,
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    'private key ("-----BEGIN … PRIVATE KEY-----")',
  );
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`TESSERA_TLS_CERT: ${files.certFile} does not hold a valid PEM certificate`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/key values mismatch/i.test(message)) {
      throw new ConfigError(`TESSERA_TLS_KEY: ${files.keyFile} is not the private key of the certificate in ${files.certFile}`);
    }
    // OpenSSL's own words (e.g. "bad decrypt" for an encrypted key) name no secret.
    throw new ConfigError(`TESSERA_TLS_CERT/TESSERA_TLS_KEY: the certificate and key cannot be used (${message.slice(0, 200)})`);
  }
  return { cert, key, subject: leaf.subject.replace(/\n/g, ', '), validTo: leaf.validTo };
}
