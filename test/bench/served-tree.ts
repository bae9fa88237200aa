/**
 * The files a warm-up served, as the storm's Node floors serve them: every file under a directory,
 * read into memory, keyed by its path relative to that directory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function readServedTree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(root, p), readFileSync(p));
    }
  };
  walk(root);
  return files;
}

/** The directory given on the command line, or exit 2 with the usage line. */
export function rootArgument(usage: string): string {
  const root = process.argv[2];
  if (!root) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return root;
}
