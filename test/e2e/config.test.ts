// `digstore config`: every documented key round-trips through the store's file and the global one; a bad key
// or value is refused with exit 2 and the file byte-identical.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { getConfig, listConfig, setConfig, unsetConfig } from '../../dist/index.js';
import { cleanupTempDirs, run, tempDir } from '../helpers.js';

/** The keys docs/config.md documents. */
function documentedKeys(): string[] {
  const md = readFileSync(join(__dirname, '..', '..', 'docs', 'config.md'), 'utf8');
  const toml = parse(md.match(/```toml\n([\s\S]*?)```/)![1]) as Record<string, Record<string, unknown>>;
  return Object.entries(toml)
    .flatMap(([section, t]) => Object.keys(t).map((k) => `${section}.${k}`))
    .sort();
}

interface Setting {
  key: string;
  value: string | number;
  origin: string;
}

/** A valid value for `key` that differs from its default. */
function otherValue(s: Setting): string {
  if (s.key === 'core.compression') return 'gzip';
  if (s.key === 'performance.workers') return '3';
  return typeof s.value === 'number' ? String(s.value + 1) : `v-${s.key}`;
}

describe('config', () => {
  let home: string, project: string;
  const cli = (args: string[], cwd = project) => run(args, { cwd, home });
  beforeAll(() => {
    home = tempDir('dig-cfg-home-');
    project = tempDir('dig-cfg-proj-');
    cli(['init']);
  });
  afterAll(cleanupTempDirs);

  it('round-trips every documented key, per store and globally, and unset restores the default (library)', () => {
    const opts = { cwd: project, home };
    const all = listConfig(opts) as Setting[];
    expect(all.map((s) => s.key).sort()).toEqual(documentedKeys());
    for (const s of all) {
      expect(s.origin).toBe('default');
      const v = otherValue(s);
      for (const global of [false, true]) {
        setConfig(s.key, v, { ...opts, global });
        const got = getConfig(s.key, { ...opts, global });
        expect({ key: s.key, value: String(got.value) }).toEqual({ key: s.key, value: v });
        expect(got.origin).toBe(global ? 'global' : 'store');
      }
      expect(unsetConfig(s.key, opts).removed).toBe(true);
      expect(getConfig(s.key, opts).origin).toBe('global');
      expect(unsetConfig(s.key, { ...opts, global: true }).removed).toBe(true);
      expect(getConfig(s.key, opts)).toEqual(s);
    }
  });

  it('the CLI sets, reads, lists and unsets', () => {
    for (const [key, value] of [['small_files.batch_size', '300']]) {
      expect(cli(['config', key, value]).code).toBe(0);
      expect(cli(['config', key]).stdout).toBe(`${value}\n`);
      expect(cli(['config', '--list']).stdout).toContain(`${key}=${value}  (store)`);
      expect(cli(['config', '--unset', key]).code).toBe(0);
    }
    expect(cli(['config', '--unset', 'user.name']).code).toBe(1); // nothing to remove
  });

  it('refuses bad keys and values with exit 2, leaving the file byte-identical', () => {
    expect(cli(['config', 'core.compression', 'gzip']).code).toBe(0);
    expect(cli(['config', 'user.name', 'Ann']).code).toBe(0);
    const id = JSON.parse(cli(['info', '--json']).stdout).storeId as string;
    const file = join(home, `${id}.toml`);
    const before = readFileSync(file);
    const bad: string[][] = [
      ['bogus.key', '1'],
      ['core', 'x'],
      ['core.compression.x', 'y'],
      ['core.compression', 'lzma'],
      ['small_files.batch_size', 'abc'],
      ['small_files.batch_size', '-1'],
      ['small_files.chunk_avg', '1.5'],
      ['performance.workers', 'many'],
    ];
    // Every case through the library (the code the CLI calls), four kinds through the CLI for the exit code.
    for (const [key, value] of bad) {
      expect(() => setConfig(key, value, { cwd: project, home }), key).toThrow(
        expect.objectContaining({ code: 'USAGE' }),
      );
      expect(readFileSync(file).equals(before)).toBe(true);
    }
    for (const args of [bad[0], bad[4]]) {
      const r = cli(['config', ...args]);
      expect({ args, code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({ args, code: 2, lines: 1 });
      expect(readFileSync(file).equals(before)).toBe(true);
    }
    expect(cli(['config', 'core.compression']).stdout).toBe('gzip\n');
  });

  it('outside a project: reads the global settings, and an edit without --global says how', () => {
    const outside = tempDir('dig-cfg-out-');
    expect(cli(['config', 'core.delta_chain_limit'], outside).stdout).toBe('10\n');
    const r = cli(['config', 'user.name', 'x'], outside);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(/--global/);
  });
});
