/**
 * Bundles Lambda handlers with esbuild (ESM, minified, source maps, for nodejs24.x) into
 * dist/handlers/<name>/index.mjs and a deterministic zip whose SHA-256 names its S3 key, so a code change
 * changes the template and an unchanged build changes nothing.
 *
 * The AWS SDK is bundled (the versions in package-lock.json are the ones tested), from its ES module build
 * (`mainFields: module` first) so esbuild drops every command and schema a function does not use; names are
 * kept (`keepNames`) so error names in logs and in the rotation state read as written. What each bundle holds
 * (bytes per package, SDK clients) goes to dist/handlers/<name>.zip.contents.json for `npm run bench`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build, version } from 'esbuild';
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

/** What a bundle is made of, from esbuild's metafile. */
export interface BundleContents {
  /** Output bytes per npm package (`@aws-sdk/client-sns`) or per source directory (`handlers/byodkim`). */
  readonly bytesBy: Record<string, number>;
  /** The AWS SDK service clients it carries, e.g. `client-sns`. */
  readonly sdkClients: string[];
}

export function contentsOf(inputs: Record<string, { bytesInOutput: number }>): BundleContents {
  const bytesBy: Record<string, number> = {};
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const key = pkg ?? file.split('/').slice(0, 2).join('/');
    bytesBy[key] = (bytesBy[key] ?? 0) + bytesInOutput;
  }
  const sorted = Object.fromEntries(Object.entries(bytesBy).sort(([a], [b]) => a.localeCompare(b)));
  const sdkClients = Object.keys(sorted)
    .filter((k) => k.startsWith('@aws-sdk/client-') && sorted[k]! > 0)
    .map((k) => k.slice('@aws-sdk/'.length));
  return { bytesBy: sorted, sdkClients };
}

/** Every esbuild option that shapes the output; part of the cache key, so changing one rebuilds. */
const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  keepNames: true,
  // The SDK's ES module build: esbuild drops the commands and schemas a function does not use.
  mainFields: ['module', 'main'],
  // Lambda's credentials are in the environment; see handlers/shared/lambda-credentials.ts.
  alias: { '@aws-sdk/credential-provider-node': './handlers/shared/lambda-credentials.ts' },
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  banner: { js: BANNER },
} as const satisfies BuildOptions;

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
  if (fileHash(zipPath) !== cache.sha256 || !existsSync(code) || !existsSync(`${zipPath}.contents.json`)) {
    return undefined;
  }
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
  const options = JSON.stringify({ esbuild: version, ...BUILD_OPTIONS });
  const reuse = cached(root, name, zipPath, options);
  if (reuse) return reuse;
  const result = await build({
    ...BUILD_OPTIONS,
    absWorkingDir: root,
    entryPoints: [join('handlers', name, 'index.ts')],
    outfile: join(outdir, 'index.mjs'),
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
  const out = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  writeFileSync(`${zipPath}.contents.json`, `${JSON.stringify(contentsOf(out?.inputs ?? {}), null, 1)}\n`);
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
