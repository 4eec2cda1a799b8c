// A TCP proxy in front of a real API that loses the answer to the first N requests matching a
// test: it forwards the request, lets the server finish it, then cuts the client's connection
// instead of passing the response back, as a dropped connection or a crashed load balancer would.
import net from 'node:net';

export interface LossyProxy {
  url: string;
  /** How many answers were dropped so far. */
  dropped(): number;
  close(): Promise<void>;
}

export async function startLossyProxy(target: string, options: { dropFirst: number; when: (requestHead: string) => boolean }): Promise<LossyProxy> {
  const upstream = new URL(target);
  let dropped = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const server = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(server);
    let head = '';
    let dropThis: boolean | null = null;
    client.on('data', (chunk: Buffer) => {
      if (dropThis === null) {
        head += chunk.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          dropThis = dropped < options.dropFirst && options.when(head);
          if (dropThis) dropped += 1;
        }
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (dropThis) {
        // The server has done the work (its answer is here); the client never sees it.
        client.destroy();
        server.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      server.destroy();
    };
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dropped: () => dropped,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
