/**
 * The socket a simulated crowd of DHCP clients shares inside its network namespace: port 68 on every
 * address (replies may be broadcast), broadcast allowed, and buffers large enough that a storm's
 * replies are not dropped by the client before they are counted.
 */
import { createSocket, type Socket } from 'node:dgram';

export async function openDhcpClientSocket(): Promise<Socket> {
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ port: 68, address: '0.0.0.0' }, () => {
      sock.removeListener('error', reject);
      resolve();
    });
  });
  sock.setBroadcast(true);
  try {
    sock.setRecvBufferSize(4 * 1024 * 1024);
    sock.setSendBufferSize(4 * 1024 * 1024);
  } catch {
    /* capped by rmem_max/wmem_max: keep what the kernel gives */
  }
  return sock;
}
