/**
 * The alarm scenarios of test/scenarios as a table: scenario × alarm → fired or not, and time to detect
 * (minutes from the first bounce/complaint/incident event; for spikes the range over the five onset minutes of
 * a 5-minute period). Every alarm that fired is listed; the P1 bounce/complaint paths are listed even when silent.
 *
 * Run alone: `node scripts/run.mjs bench/alarms.ts`.
 */
import { allScenarios } from '../test/scenarios/catalogue.js';
import { alarmName, pages, runScenario, type Scenario, timeToDetect } from '../test/scenarios/model.js';

const shifted = (s: Scenario, phase: number): Scenario => ({
  ...s,
  traffic: (m) => s.traffic(m - phase),
  incidentAt: (s.incidentAt ?? 0) + phase,
  minutes: s.minutes + phase,
});

const ALWAYS = [
  'bounce-rate-alarm',
  'complaint-rate-alarm',
  'ses-critical',
  'bounce-reputation',
  'complaint-reputation',
];

export async function run(): Promise<void> {
  const rows: string[][] = [];
  const started = performance.now();
  for (const s of allScenarios()) {
    const spike = s.incidentAt !== undefined && /^(bounce|complaint)-/.test(s.id);
    const runs = (spike ? [0, 1, 2, 3, 4] : [0]).map((phase) => runScenario(shifted(s, phase)));
    const first = runs[0]!;
    const fired = new Set(pages(first, ['P1', 'P2', 'P3']).map((p) => p.alarm));
    const names = [...new Set([...ALWAYS.map((a) => alarmName(first, a)), ...fired])];
    const pagesP1P2 = pages(first).length;
    for (const name of names) {
      const sev = first.timelines.get(name)?.def.severity ?? '?';
      const ttds = runs.map((r) => timeToDetect(r, name));
      const hit = ttds.filter((t): t is number => t !== undefined);
      const ttd =
        s.incidentAt === undefined || hit.length === 0
          ? '-'
          : hit.length < ttds.length
            ? `${Math.min(...hit)}–${Math.max(...hit)} (${hit.length}/${ttds.length} onsets)`
            : Math.min(...hit) === Math.max(...hit)
              ? String(hit[0])
              : `${Math.min(...hit)}–${Math.max(...hit)}`;
      rows.push([
        s.id,
        `${name.replace(/^ses-migration-[a-z]+-/, '')} (${sev})`,
        fired.has(name) ? 'fired' : 'no',
        ttd,
        String(pagesP1P2),
      ]);
    }
  }
  const head = ['scenario', 'alarm (severity)', 'fired', 'time to detect (min)', 'P1/P2 pages'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log(
    `\n${allScenarios().length} scenarios in ${((performance.now() - started) / 1000).toFixed(1)} s; delays: Delivery +1 min, ` +
      'Bounce +1 min, Complaint +10 min after the send; CloudWatch sees a datapoint 2 min after its timestamp.',
  );
}

// Run alone (`node scripts/run.mjs bench/alarms.ts`), not when bundled into scripts/bench.ts.
if (/[\\/]alarms\.(mjs|ts)$/.test(process.argv[1] ?? '')) await run();
