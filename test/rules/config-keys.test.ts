// Documented configuration = accepted configuration = configuration the code reads. docs/config.md's TOML block
// must list exactly the keys of DEFAULTS (which the loader accepts, rejecting all others), and every key must be
// read somewhere in src/ outside its own declaration (the Config type and the DEFAULTS literal).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../dist/index.js';

const ROOT = resolve(__dirname, '..', '..');

function flatten(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

/**
 * All of src/ as one text without comments, minus the declarations in store/config.ts (reading a key there
 * counts, declaring it does not).
 */
function sourceReads(): string {
  const dir = join(ROOT, 'src');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      if (!f.endsWith(join('store', 'config.ts'))) return text;
      const stripped = text
        .replace(/export interface Config \{[\s\S]*?\n\}\n/, '')
        .replace(/export const DEFAULTS[\s\S]*?\n\}\);\n/, '');
      if (stripped.length > text.length - 500) throw new Error('store/config.ts: Config type or DEFAULTS not found');
      return stripped;
    })
    .join('\n');
}

describe('configuration keys', () => {
  const block = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8').match(/```toml\n([\s\S]*?)```/);
  const documented = flatten(parse(block![1]) as Record<string, unknown>).sort();
  const accepted = flatten(DEFAULTS as unknown as Record<string, unknown>).sort();

  it('docs/config.md documents exactly the keys the loader accepts, with their defaults', () => {
    expect(documented).toEqual(accepted);
    expect(parse(block![1])).toEqual(JSON.parse(JSON.stringify(DEFAULTS)));
  });

  it('every accepted key is read by the code', () => {
    const src = sourceReads();
    const unread = accepted.filter((k) => !new RegExp(`\\.${k.split('.').at(-1)}\\b`).test(src));
    expect(unread).toEqual([]);
  });
});
