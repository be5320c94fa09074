/** Starts a server listening and settles once it is bound (or failed to bind, e.g. EADDRINUSE). */
import type { Server } from 'node:http';

export function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
