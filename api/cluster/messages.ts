// What the primary and its API workers say to each other over the cluster's IPC channel. The
// database address and the server key travel this way rather than in the workers' environment,
// which other tools (ps e, /proc/PID/environ) show more readily.

/** From a worker once it listens for messages (earlier ones would be lost while its modules load). */
export interface ReadyMessage {
  type: 'tessera:ready';
}

export interface StartMessage {
  type: 'tessera:start';
  databaseUrl: string;
  /** Hex. */
  serverKey: string;
}

export interface ListeningMessage {
  type: 'tessera:listening';
  url: string;
}

export interface StopMessage {
  type: 'tessera:stop';
}

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
