/**
 * Provider-private bytes the CLI stores beside a resource's state (or an ephemeral resource's
 * lifetime) and hands back unchanged on the next call. Users never see them in plan output.
 */
export class PrivateState {
  private bytes: Buffer | null;

  constructor(initial?: Uint8Array | null) {
    this.bytes = initial && initial.length > 0 ? Buffer.from(initial) : null;
  }

  get(): Buffer | null {
    return this.bytes;
  }

  set(bytes: Uint8Array | null): void {
    this.bytes = bytes && bytes.length > 0 ? Buffer.from(bytes) : null;
  }

  /** Parses the bytes as JSON; null when empty. Throws on bytes that are not JSON. */
  getJson<T = unknown>(): T | null {
    return this.bytes === null ? null : (JSON.parse(this.bytes.toString('utf8')) as T);
  }

  setJson(value: unknown): void {
    this.set(value === null || value === undefined ? null : Buffer.from(JSON.stringify(value), 'utf8'));
  }

  /** What goes back on the wire: empty bytes mean "no private data". */
  toWire(): Buffer {
    return this.bytes ?? Buffer.alloc(0);
  }
}
