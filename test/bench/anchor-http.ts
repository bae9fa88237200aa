/**
 * The storm benchmark's HTTP floor: plain node:http serving the very bytes the daemon served, from
 * memory (a Map lookup and a write), nothing else. Run as its own process:
 * `node anchor-http.js DIR` — prints `listening <port>` on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readServedTree, rootArgument } from './served-tree.js';

const root = rootArgument('anchor-http DIR');
const files = new Map<string, { body: Buffer; type: string }>();
for (const [path, body] of readServedTree(root)) {
  const rel = `/${path}`;
  const type = /\.(xml|htm)$/.test(rel) ? 'text/xml; charset=utf-8' : 'text/plain; charset=utf-8';
  files.set(rel, { body, type });
}
const server = createServer((req, res) => {
  const f = files.get((req.url ?? '/').split('?')[0]!);
  if (req.method === 'PUT') {
    req.resume();
    req.on('end', () => {
      res.writeHead(201);
      res.end();
    });
    return;
  }
  if (!f) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': f.type, 'content-length': f.body.length });
  res.end(f.body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
