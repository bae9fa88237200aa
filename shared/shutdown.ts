/**
 * Graceful stop of an HTTP(S) server, shared by the hub and the edge daemon. It holds no I/O of its
 * own: it drives the node server it is given.
 */
import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets the requests in progress finish for at most `boundMs`, then
 * cuts whatever is left. Idle keep-alive connections are closed at once (node does that on
 * `close()`); a connection whose response ends during the grace period is closed by node then.
 * Resolves with how many connections had to be cut.
 */
export function closeGracefully(server: Server | undefined, boundMs: number): Promise<{ cut: number }> {
  if (!server || !server.listening) return Promise.resolve({ cut: 0 });
  return new Promise((resolve) => {
    let cut = 0;
    const timer = setTimeout(() => {
      server.getConnections((_err, count) => {
        cut = count;
        server.closeAllConnections();
      });
    }, boundMs);
    server.close(() => {
      clearTimeout(timer);
      resolve({ cut });
    });
    server.closeIdleConnections();
  });
}
