/**
 * Bundles Lambda handlers with esbuild (ESM, minified, source maps, for nodejs24.x) into
 * dist/handlers/<name>/index.mjs and a deterministic zip whose SHA-256 names its S3 key, so a code change
 * changes the template and an unchanged build changes nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, version } from 'esbuild';
import type { HandlerBundle } from '../../generators/lib/template.js';
import { deterministicZip } from './zip.js';

// Some dependencies are CommonJS and call require(): give the ESM bundle one.
const BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

export interface BuiltBundle extends HandlerBundle {
  readonly name: string;
  readonly zipPath: string;
  readonly bytes: number;
  readonly codeBytes: number;
}

interface BuildCache {
  readonly options: string;
  readonly sha256: string;
  /** Every source file esbuild read, with the SHA-256 of its content. */
  readonly inputs: Record<string, string>;
}

const fileHash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The previous build of `name`, if none of its inputs, options or outputs changed since. */
function cached(root: string, name: string, zipPath: string, options: string): BuiltBundle | undefined {
  const cacheFile = `${zipPath}.inputs.json`;
  if (!existsSync(cacheFile) || !existsSync(zipPath)) return undefined;
  const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as BuildCache;
  if (cache.options !== options) return undefined;
  for (const [input, hash] of Object.entries(cache.inputs)) {
    const path = join(root, input);
    if (!existsSync(path) || fileHash(path) !== hash) return undefined;
  }
  const code = join(root, 'dist', 'handlers', name, 'index.mjs');
  if (fileHash(zipPath) !== cache.sha256 || !existsSync(code)) return undefined;
  return {
    name,
    sha256: cache.sha256,
    key: `handlers/${name}/${cache.sha256}.zip`,
    zipPath,
    bytes: statSync(zipPath).size,
    codeBytes: statSync(code).size,
  };
}

/**
 * Builds one handler (`root` is the repository root). A build whose inputs are byte-for-byte unchanged is
 * reused: the output would be identical anyway, and minifying the SDK takes most of generate's time.
 */
export async function bundleHandler(root: string, name: string): Promise<BuiltBundle> {
  const outdir = join(root, 'dist', 'handlers', name);
  const zipPath = join(root, 'dist', 'handlers', `${name}.zip`);
  const options = JSON.stringify({ esbuild: version, banner: BANNER, target: 'node24', v: 1 });
  const reuse = cached(root, name, zipPath, options);
  if (reuse) return reuse;
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
    banner: { js: BANNER },
    write: false,
    logLevel: 'warning',
    metafile: true,
  });
  const files = result.outputFiles
    .map((f) => ({ name: f.path.slice(outdir.length + 1), data: Buffer.from(f.contents) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  mkdirSync(outdir, { recursive: true });
  for (const f of files) writeFileSync(join(outdir, f.name), f.data);
  const zip = deterministicZip(files);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  writeFileSync(zipPath, zip);
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs)
      .sort()
      .map((input) => [input, fileHash(join(root, input))]),
  );
  writeFileSync(
    `${zipPath}.inputs.json`,
    `${JSON.stringify({ options, sha256, inputs } satisfies BuildCache)}\n`,
  );
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
