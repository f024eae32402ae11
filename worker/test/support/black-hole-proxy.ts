// A TCP proxy in front of the manager that can turn into a black hole: connections are taken
// but nothing comes back, as with a manager that hangs or a network that drops packets.

import { connect, createServer, type Server, type Socket } from 'node:net';

export interface BlackHoleProxy {
  url: string;
  /** From now on nothing gets through; open connections go silent too. */
  swallow(): void;
  close(): Promise<void>;
}

export async function startBlackHoleProxy(targetUrl: string): Promise<BlackHoleProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let swallowing = false;
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (swallowing) return;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk) => {
      if (!swallowing) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!swallowing) client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    swallow: () => {
      swallowing = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
