/**
 * Every handler bundle in dist/handlers (built by `npm run generate`): its size, module initialisation time
 * (import of index.mjs in a fresh node process: wall median of 7, and the CPU time it took) and the AWS SDK
 * clients it carries (from esbuild's metafile), checked against the targets of issue #9; then how long
 * rendering the templates takes in process, and the no-op generate (nothing changed) as a whole process run by
 * `node` directly, paired with `node -e 0` in the same loop.
 *
 * Run alone: `node scripts/run.mjs bench/handlers.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateAll } from '../generators/generate.js';
import type { HandlerBundle } from '../generators/lib/template.js';
import type { BundleContents } from '../scripts/lib/bundle.js';
import { loadEnvironments } from '../scripts/lib/environments.js';

const KIB = 1024;
/** Targets (issue #9): sizes of index.mjs in KiB as the bench has always printed them, init in ms. */
export const TARGETS = { maxKiB: 700, byodkimKiB: 670, initMs: 60, noopGenerateS: 0.3 } as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');

/** Wall and CPU milliseconds of importing `file` in a fresh node process, median of `n`. */
function initMs(file: string, n = 7): { wall: number; cpu: number } {
  const script =
    'const c=process.cpuUsage();const t=performance.now();' +
    `await import(${JSON.stringify(`file://${file}`)});` +
    'const d=process.cpuUsage(c);console.log(performance.now()-t,(d.user+d.system)/1000)';
  const runs = Array.from({ length: n }, () =>
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, AWS_REGION: 'ap-northeast-1' },
    })
      .trim()
      .split(' ')
      .map(Number),
  );
  return { wall: median(runs.map((r) => r[0]!)), cpu: median(runs.map((r) => r[1]!)) };
}

/** Median wall time in seconds of `cmd args` run `n` times, interleaved with the other commands. */
function pairedSeconds(cmds: [string, string[]][], n: number): number[] {
  const times: number[][] = cmds.map(() => []);
  for (let i = 0; i < n; i += 1) {
    cmds.forEach(([cmd, args], j) => {
      const t = performance.now();
      const r = spawnSync(cmd, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
      times[j]!.push((performance.now() - t) / 1000);
    });
  }
  return times.map(median);
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
  console.log(
    `targets: every index.mjs <= ${TARGETS.maxKiB} KiB, BYODKIM <= ${TARGETS.byodkimKiB} KiB, init <= ${TARGETS.initMs} ms (wall, median of 7)`,
  );
  console.log(
    'handler                              index.mjs  own code      zip   init wall    (cpu)  size init  SDK clients',
  );
  let misses = 0;
  for (const name of Object.keys(manifest).sort()) {
    const code = resolve('dist/handlers', name, 'index.mjs');
    const zip = manifest[name]!.zip;
    const kib = statSync(code).size / KIB;
    const contents = JSON.parse(readFileSync(`${zip}.contents.json`, 'utf8')) as BundleContents;
    const init = initMs(code);
    // The project's own code (not from node_modules): what would remain if the SDK were left to the runtime.
    const ownKiB =
      Object.entries(contents.bytesBy)
        .filter(([k]) => !k.startsWith('@') && !/^[a-z0-9][\w.-]*$/.test(k))
        .reduce((n, [, b]) => n + b, 0) / KIB;
    const sizeOk = kib <= (name.startsWith('byodkim/') ? TARGETS.byodkimKiB : TARGETS.maxKiB);
    const initOk = init.wall <= TARGETS.initMs;
    misses += Number(!sizeOk) + Number(!initOk);
    console.log(
      `${name.padEnd(36)} ${kib.toFixed(0).padStart(6)} KiB ${ownKiB.toFixed(0).padStart(5)} KiB ${(statSync(zip).size / KIB).toFixed(0).padStart(5)} KiB ` +
        `${init.wall.toFixed(1).padStart(7)} ms (${init.cpu.toFixed(1).padStart(5)} ms) ${mark(sizeOk)} ${mark(initOk)} ` +
        `${contents.sdkClients.join(', ') || '(none)'}`,
    );
  }
  console.log(
    misses
      ? `${misses} bundle target(s) missed (init times depend on machine load: compare the cpu column)`
      : 'every bundle meets its size and init targets',
  );

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

  // The no-op generate: nothing changed since the last run, so nothing is re-bundled, re-rendered or rewritten.
  const entry = ['scripts/generate.mjs'];
  spawnSync(process.execPath, entry); // make sure the stamp is current
  const [noop, bare] = pairedSeconds(
    [
      [process.execPath, entry],
      [process.execPath, ['-e', '0']],
    ],
    9,
  );
  console.log(
    `no-op generate (node ${entry.join(' ')}): median ${noop!.toFixed(3)} s of 9; node -e 0: ${bare!.toFixed(3)} s; ` +
      `ratio ${(noop! / bare!).toFixed(1)}x; target <= ${TARGETS.noopGenerateS} s: ${mark(noop! <= TARGETS.noopGenerateS).trim()}`,
  );
}

if (/[\\/]handlers\.(mjs|ts)$/.test(process.argv[1] ?? '')) await run();
