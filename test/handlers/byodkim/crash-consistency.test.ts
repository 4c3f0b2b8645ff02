/**
 * The failure-injection harness (issue #17): both DNS modes × every path (success, SES FAILED rollback,
 * operator abort at each stage before and right after the switch, operator rollback after the switch) ×
 * the port calls of that path's clean run × each failure kind (throw before the effect, response lost after
 * it, timeout, throttle, hard kill), invariants after every call and at the end (harness/sim.ts).
 *
 * The unit tier tries every 4th call with every kind (shifted per kind: together the kinds reach every
 * call); `npm run bench` (bench/byodkim.ts) runs every call × every kind and prints the counts.
 */
import { describe, expect, it } from 'vitest';
import { DEADLINE_HOURS, FAILURE_KINDS, runHarness } from './harness/sim.js';

const STRIDE = 4;

describe('failure injection at the calls of every path', () => {
  it(`both modes × ${9} paths × calls (stride ${STRIDE}) × ${FAILURE_KINDS.length} failure kinds: every invariant holds`, async () => {
    const stats = await runHarness(STRIDE);
    expect(stats).toHaveLength(18);
    const runs = stats.reduce((n, s) => n + s.runs, 0);
    const points = stats.reduce((n, s) => n + s.points, 0);
    console.log(
      `BYODKIM harness (unit tier): ${stats.length} paths, ${points} injection points, ${runs} injected runs (stride ${STRIDE} × ${FAILURE_KINDS.length} kinds); latest convergence ${Math.max(...stats.map((s) => s.maxHours))} h (limit ${DEADLINE_HOURS} h)`,
    );
    expect(stats.flatMap((s) => s.problems.map((p) => `${s.mode} ${s.path}: ${p}`)).slice(0, 20)).toEqual([]);
    expect(runs).toBeGreaterThan(points); // every path ran with injected failures
  }, 120_000);
});
