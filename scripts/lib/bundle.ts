/**
 * Bundles Lambda handlers with esbuild (ESM, minified, source maps, for nodejs24.x) into
 * dist/handlers/<name>/index.mjs and a deterministic zip whose SHA-256 names its S3 key, so a code change
 * changes the template and an unchanged build changes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { HandlerBundle } from '../../generators/lib/template.js';
import { deterministicZip } from './zip.js';

export const LAMBDA_RUNTIME = 'nodejs24.x';

export interface BuiltBundle extends HandlerBundle {
  readonly name: string;
  readonly zipPath: string;
  readonly bytes: number;
  readonly codeBytes: number;
}

/** Builds one handler; `root` is the repository root. */
export async function bundleHandler(root: string, name: string): Promise<BuiltBundle> {
  const outdir = join(root, 'dist', 'handlers', name);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join('handlers', name, 'index.ts')],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    // Some dependencies are CommonJS and call require(): give the ESM bundle one.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    write: false,
    logLevel: 'warning',
    metafile: false,
  });
  const files = result.outputFiles
    .map((f) => ({ name: f.path.slice(outdir.length + 1), data: Buffer.from(f.contents) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  mkdirSync(outdir, { recursive: true });
  for (const f of files) writeFileSync(join(outdir, f.name), f.data);
  const zip = deterministicZip(files);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const zipPath = join(root, 'dist', 'handlers', `${name}.zip`);
  writeFileSync(zipPath, zip);
  const code = files.find((f) => f.name === 'index.mjs');
  return {
    name,
    sha256,
    key: `handlers/${name}/${sha256}.zip`,
    zipPath,
    bytes: zip.length,
    codeBytes: code?.data.length ?? 0,
  };
}

/** Builds the handlers in parallel (esbuild is multi-threaded itself). */
export async function bundleHandlers(
  root: string,
  handlerNames: readonly string[],
): Promise<Map<string, BuiltBundle>> {
  const built = await Promise.all([...new Set(handlerNames)].sort().map((n) => bundleHandler(root, n)));
  return new Map(built.map((b) => [b.name, b]));
}
