// Reads every file of a committed tree back through the library and compares it with the original.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export async function verifyTree(dir, home) {
  const { Store } = await import(new URL('../../dist/index.js', import.meta.url));
  const prev = process.env.DIGSTORE_HOME;
  process.env.DIGSTORE_HOME = home;
  const store = Store.open(dir);
  let files = 0,
    mismatches = 0;
  const walk = async (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name !== '.digstore') {
        const want = createHash('sha256').update(readFileSync(p)).digest('hex');
        const h = createHash('sha256');
        await store.getTo(relative(dir, p), (c) => void h.update(c));
        files++;
        if (h.digest('hex') !== want) mismatches++;
      }
    }
  };
  await walk(dir);
  process.env.DIGSTORE_HOME = prev;
  return { files, mismatches };
}
