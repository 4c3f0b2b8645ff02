/**
 * The full BYODKIM failure-injection harness (issue #17): both DNS modes × 9 paths × every port call of the
 * path's clean run × 5 failure kinds (before, after, timeout, throttle, kill). Prints one row per path and
 * the totals; exits non-zero when an invariant broke.
 */
import { DEADLINE_HOURS, FAILURE_KINDS, runHarness } from '../test/handlers/byodkim/harness/sim.js';

export async function run() {
  const t0 = performance.now();
  const stats = await runHarness(1);
  const ms = performance.now() - t0;
  console.log(
    'mode     | path                                        | points | runs | problems | latest convergence (h)',
  );
  for (const s of stats) {
    console.log(
      `${s.mode.padEnd(8)} | ${s.path.padEnd(43)} | ${String(s.points).padStart(6)} | ${String(s.runs).padStart(4)} | ${String(s.problems.length).padStart(8)} | ${s.maxHours}`,
    );
  }
  const points = stats.reduce((n, s) => n + s.points, 0);
  const runs = stats.reduce((n, s) => n + s.runs, 0);
  const problems = stats.flatMap((s) => s.problems.map((p) => `${s.mode} ${s.path}: ${p}`));
  console.log(
    `total: ${stats.length} paths, ${points} injection points × ${FAILURE_KINDS.length} failure kinds = ${runs} runs in ${(ms / 1000).toFixed(1)} s; ${problems.length} problems; deadline ${DEADLINE_HOURS} h`,
  );
  for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
  if (problems.length > 0) process.exitCode = 1;
}
