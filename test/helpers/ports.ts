/**
 * Free loopback ports for processes whose port cannot be 0 (the demo writes its edge ports into the
 * demo site, which phones are told about): bind port 0, read the port, release it. Another process
 * could take it in between; on a test machine that window is negligible.
 */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, host, () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}
