import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleHandler } from '../../scripts/lib/bundle.js';
import { deterministicZip } from '../../scripts/lib/zip.js';

const root = mkdtempSync(join(tmpdir(), 'bundle-'));
for (const d of ['contracts', 'lib', 'handlers', 'scripts', 'node_modules', 'package.json', 'tsconfig.json'])
  if (existsSync(d)) symlinkSync(resolve(d), join(root, d));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('handler bundles', () => {
  it('are deterministic: a clean rebuild gives the same zip bytes and the same S3 key', async () => {
    const first = await bundleHandler(root, 'metrics');
    const bytes = readFileSync(first.zipPath);
    unlinkSync(`${first.zipPath}.inputs.json`);
    const second = await bundleHandler(root, 'metrics');
    expect(second.sha256).toBe(first.sha256);
    expect(readFileSync(second.zipPath).equals(bytes)).toBe(true);
    expect(first.key).toBe(`handlers/metrics/${first.sha256}.zip`);
  }, 60_000);

  it('zip a minified ESM module exporting handler, with its source map, readable by a standard unzip', async () => {
    const b = await bundleHandler(root, 'metrics');
    const listing = execFileSync(
      'python3',
      [
        '-c',
        'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(" ".join(z.namelist()))',
        b.zipPath,
      ],
      { encoding: 'utf8' },
    );
    expect(listing).toBe('None\nindex.mjs index.mjs.map\n');
    const mod = await import(join(root, 'dist', 'handlers', 'metrics', 'index.mjs'));
    expect(typeof mod.handler).toBe('function');
    expect(readFileSync(join(root, 'dist', 'handlers', 'metrics', 'index.mjs'), 'utf8')).toContain(
      'sourceMappingURL=index.mjs.map',
    );
  }, 60_000);

  it('deterministicZip orders entries and fixes timestamps', () => {
    const a = deterministicZip([
      { name: 'b.txt', data: Buffer.from('b') },
      { name: 'a.txt', data: Buffer.from('a') },
    ]);
    const b = deterministicZip([
      { name: 'a.txt', data: Buffer.from('a') },
      { name: 'b.txt', data: Buffer.from('b') },
    ]);
    expect(a.equals(b)).toBe(true);
  });
});
