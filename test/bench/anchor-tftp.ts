/**
 * The storm benchmark's TFTP floor for Node: our own TFTP server module (daemon/tftp, the same
 * options and socket pool as the daemon) serving the very bytes the daemon served, from memory —
 * no pipeline, no SQLite, no request log. What any Node TFTP server built on dgram pays per phone
 * before doing anything of its own. Run as its own process:
 * `node anchor-tftp.js DIR` — prints `listening <port>` on 127.0.0.1.
 */
import { pino } from 'pino';
import { createTftpServer } from '../../daemon/tftp/index.js';
import { readServedTree, rootArgument } from './served-tree.js';

const files = readServedTree(rootArgument('anchor-tftp DIR'));
const server = createTftpServer(
  { socketPool: 128 },
  {
    log: pino({ level: 'silent' }),
    provider: (req) => {
      const data = files.get(req.filename);
      return data ? { data } : { error: { code: 1, message: 'File not found' } };
    },
  },
);
const { port } = await server.listen(0, '127.0.0.1');
process.stdout.write(`listening ${port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
