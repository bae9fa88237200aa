/**
 * The storm benchmark's TFTP floor for Node: our own TFTP server module (daemon/tftp, the same
 * options and socket pool as the daemon) serving the very bytes the daemon served, from memory —
 * no pipeline, no SQLite, no request log. What any Node TFTP server built on dgram pays per phone
 * before doing anything of its own. Run as its own process:
 * `node anchor-tftp.js DIR` — prints `listening <port>` on 127.0.0.1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { createTftpServer } from '../../daemon/tftp/index.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: anchor-tftp DIR\n');
  process.exit(2);
}
const files = new Map<string, Buffer>();
for (const p of walk(root)) files.set(relative(root, p), readFileSync(p));
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
