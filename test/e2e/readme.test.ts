// The README's examples, run as written: the main-job command line (in a copy of this repository's src/, with
// `npx digstore` standing for the built CLI) and the library example (with its placeholder directory filled in).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, cleanupTempDirs, runTool, tempDir } from '../helpers.js';

afterAll(cleanupTempDirs);

const ROOT = resolve(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = (lang: string) =>
  [...readme.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]);

function sh(script: string, cwd: string, home: string) {
  return runTool('sh', ['-c', script], { cwd, env: { ...process.env, DIGSTORE_HOME: home, NO_COLOR: '1' } });
}

describe('README examples', () => {
  it('"Set up" starts with npm install then npm test, and the next block is the main job, which works as written', () => {
    const [setup, main] = blocks('sh');
    expect(setup.trim().split('\n')).toEqual(['npm install', 'npm test']);
    expect(main).toMatch(/^cd src && npx digstore init/);
    const copy = tempDir('dig-readme-');
    cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
    const script = main.trim().replaceAll('npx digstore', `"${process.execPath}" "${CLI}"`);
    const r = sh(script, copy, tempDir('dig-readme-home-'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.endsWith(readFileSync(join(ROOT, 'src', 'core', 'merkle.ts'), 'utf8'))).toBe(true);
  });

  it('the library example runs and prints true', () => {
    const [example] = blocks('js');
    expect(example).toContain("from 'digstore'");
    const project = tempDir('dig-readme-lib-');
    writeFileSync(join(project, 'notes.txt'), 'some notes\n');
    const code = example
      .replace("from 'digstore'", `from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))}`)
      .replace("'/path/to/project'", JSON.stringify(project));
    const file = join(tempDir('dig-readme-js-'), 'example.mjs');
    writeFileSync(file, code);
    const r = sh(`"${process.execPath}" "${file}"`, tempDir('dig-readme-cwd-'), tempDir('dig-readme-home-'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('true\n');
  });
});
