#!/usr/bin/env node
// Runs a TypeScript entry point: esbuild bundles it (dependencies stay external) into .build/, then node imports it.
// Faster to start than a TypeScript loader, and the same esbuild that bundles the Lambda handlers.
import { mkdirSync, renameSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const outdir = resolve('.build');
mkdirSync(outdir, { recursive: true });
const outfile = resolve(outdir, `${basename(entry, '.ts')}.mjs`);
// Sceptre runs hooks of parallel stacks at once: build to a private file, then rename (atomic) into place.
const building = `${outfile}.${process.pid}.tmp`;
await build({
  entryPoints: [entry],
  outfile: building,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
renameSync(building, outfile);
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
