import { AddressInfo, Server, Socket, createServer } from 'node:net';

export interface BoundListeners {
  readonly servers: Server[];
  readonly port: number;
  readonly hosts: string[];
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Binds the broker's port. With an explicit host, only there. Without one, on 127.0.0.1 and ::1 with the same
 * port, because `localhost` resolves to either depending on the machine; a host without IPv6 keeps IPv4 only.
 */
export async function bindListeners(host: string | undefined, port: number, onConnection: (socket: Socket) => void): Promise<BoundListeners> {
  if (host) {
    const server = createServer(onConnection);
    const bound = await listen(server, host, port);
    return { servers: [server], port: bound, hosts: [host] };
  }
  const v4 = createServer(onConnection);
  const bound = await listen(v4, '127.0.0.1', port);
  const v6 = createServer(onConnection);
  try {
    await listen(v6, '::1', bound);
    return { servers: [v4, v6], port: bound, hosts: ['127.0.0.1', '::1'] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return { servers: [v4], port: bound, hosts: ['127.0.0.1'] };
    v4.close();
    throw err;
  }
}
