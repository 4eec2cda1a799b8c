// `--debug`: every HTTP exchange on stderr (method, URL, headers, bodies, status, time), with
// every secret redacted (output/redact.ts).
import type { Writable } from 'node:stream';
import type { Exchange } from '../../client';
import { redactBody, redactHeader, scrub } from './redact';

const MAX_BODY_CHARS = 4000;

export function debugLogger(stderr: Writable, secrets: () => readonly string[]): (exchange: Exchange) => void {
  return ({ request, response, error, attempt, milliseconds }) => {
    const lines: string[] = [`* ${request.method} ${request.url}${attempt > 1 ? ` (try ${attempt})` : ''}`];
    for (const [name, value] of Object.entries(request.headers)) lines.push(`> ${name}: ${redactHeader(name, value)}`);
    if (request.body !== undefined) lines.push(`> ${shorten(redactBody(request.body))}`);
    if (error) {
      lines.push(`! no response after ${milliseconds} ms: ${error.code ?? 'error'} ${error.message}`);
    } else if (response) {
      lines.push(`< ${response.status} ${response.statusText} (${milliseconds} ms)`);
      for (const [name, value] of Object.entries(response.headers)) lines.push(`< ${name}: ${redactHeader(name, value)}`);
      if (response.body !== '') lines.push(`< ${shorten(redactBody(response.body))}`);
    }
    stderr.write(`${scrub(lines.join('\n'), secrets())}\n`);
  };
}

function shorten(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… (${text.length} characters)` : text;
}
