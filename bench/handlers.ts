/**
 * Bundle sizes and module initialisation time of every handler bundle in dist/handlers (built by
 * `npm run generate`), and how long rendering the templates takes: in process (generateAll for both
 * environments) and as a whole `npm run generate` process with warm bundles.
 *
 * Run alone: `node scripts/run.mjs bench/handlers.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateAll } from '../generators/generate.js';
import type { HandlerBundle } from '../generators/lib/template.js';
import { loadEnvironments } from '../scripts/lib/environments.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function initMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});console.log(performance.now()-t)`;
  return median(
    Array.from({ length: 5 }, () =>
      Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })),
    ),
  );
}

export async function run(): Promise<void> {
  const manifestPath = 'dist/handlers/manifest.json';
  if (!existsSync(manifestPath)) {
    console.log('no dist/handlers/manifest.json: run npm run generate first');
    return;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<
    string,
    HandlerBundle & { zip: string }
  >;
  console.log('handler                              index.mjs    zip      init (median of 5)');
  for (const name of Object.keys(manifest).sort()) {
    const code = resolve('dist/handlers', name, 'index.mjs');
    const zip = manifest[name]!.zip;
    console.log(
      `${name.padEnd(36)} ${(statSync(code).size / 1024).toFixed(0).padStart(6)} KiB ${(statSync(zip).size / 1024).toFixed(0).padStart(5)} KiB ${initMs(code).toFixed(1).padStart(8)} ms`,
    );
  }

  const cfgs = loadEnvironments();
  const bundles = new Map(Object.entries(manifest));
  const times: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const t = performance.now();
    generateAll(cfgs, bundles);
    times.push(performance.now() - t);
  }
  console.log(
    `\nrender templates + Sceptre config, both environments (in process): median ${median(times).toFixed(1)} ms of 20`,
  );
  const whole: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join('scripts', 'run.mjs'), join('scripts', 'generate.ts')], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`npm run generate failed: ${r.stderr}`);
    whole.push(performance.now() - t);
  }
  console.log(
    `whole generate process (warm bundle cache, validates, renders, writes atomically): median ${median(whole).toFixed(0)} ms of 3`,
  );
}

if (/[\\/]handlers\.(mjs|ts)$/.test(process.argv[1] ?? '')) await run();
