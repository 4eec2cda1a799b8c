// Reading from the person at the terminal: a hidden prompt for a token (raw mode, nothing is
// echoed), a yes/no confirmation, and all of stdin for `--with-token`.
import type { ReadStream } from 'node:tty';
import type { Writable } from 'node:stream';
import { failure } from '../errors/exit-codes';

export type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: ReadStream['setRawMode'] };

export function isInteractive(stdin: Stdin): boolean {
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function';
}

/**
 * Asks on stderr and reads one line from a terminal without echoing it. Backspace and Ctrl-U
 * edit; Enter ends; Ctrl-C or Ctrl-D (on an empty line) cancel.
 */
export function readHidden(stdin: Stdin, stderr: Writable, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const setRawMode = stdin.setRawMode?.bind(stdin);
    if (!setRawMode) {
      reject(failure('cannot hide input: standard input is not a terminal'));
      return;
    }
    // Echo goes off before the prompt appears, so nothing typed after it is ever shown.
    setRawMode(true);
    stderr.write(prompt);
    let value = '';
    const finish = (error: Error | null): void => {
      stdin.removeListener('data', onData);
      setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish(null);
        if (char === '\u0003' || (char === '\u0004' && value === '')) return finish(failure('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char === '\u0015') value = '';
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Asks a yes/no question on stderr and reads the answer line; anything but y/yes is no. */
export function confirm(stdin: Stdin, stderr: Writable, question: string): Promise<boolean> {
  return new Promise((resolve) => {
    stderr.write(`${question} [y/N] `);
    let line = '';
    const done = (answer: boolean): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.pause();
      resolve(answer);
    };
    const onData = (chunk: Buffer | string): void => {
      line += chunk.toString();
      const end = line.search(/[\r\n]/);
      if (end >= 0) done(/^\s*y(es)?\s*$/i.test(line.slice(0, end)));
    };
    const onEnd = (): void => {
      stderr.write('\n');
      done(false);
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}

/** Everything on stdin until it ends. */
export async function readAll(stdin: Stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
