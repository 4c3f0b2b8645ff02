/**
 * `npm run bench` arguments: `--help`, or the names of the sections to run (all when none). Pure, so the
 * choice is tested without running a benchmark (test/scripts/bench-args.test.ts).
 */
import { UsageError } from '../lib/errors.js';
import { parseCli, usageText } from '../scripts/lib/args.js';

/** The sections in the order `npm run bench` runs them: name on the command line, then what it measures. */
export const SECTIONS = [
  ['masking', 'masking function: records per second, PII patterns'],
  ['handlers', 'handlers and generation: bundle sizes, cold init, no-op generate'],
  ['drift', 'drift engine on a large stack set'],
  ['alarms', 'alarm scenarios replayed through the evaluator'],
  [
    'scale',
    'generator at 1, 200 and 1,000 domains (render, stacks, limits, cost; generate as a process, cold and warm)',
  ],
  ['metrics', 'metrics function (per-domain query) at 1, 200 and 1,000 domains'],
  ['byodkim', 'BYODKIM failure injection'],
  ['byodkim-tick', 'BYODKIM rotation tick: 1, 200 and 1,000 domains (mocked latency, paced)'],
] as const;

export type SectionName = (typeof SECTIONS)[number][0];

const NAMES: readonly string[] = SECTIONS.map(([n]) => n);

export const BENCH_USAGE = usageText({
  synopsis: 'npm run bench -- [section ...]   (no section: all of them, in this order)',
  details: SECTIONS.map(([n, what]) => `${n.padEnd(13)} ${what}`),
  exitCodes:
    '0 ran (each figure printed ok or MISS against its target), 2 usage error (unknown section or flag)',
});

/** The sections to run, in the bench's order; an unknown name or flag is a UsageError listing the known ones. */
export function selectSections(argv: readonly string[]): SectionName[] {
  const { positionals } = parseCli(argv, {});
  const unknown = positionals.filter((p) => !NAMES.includes(p));
  if (unknown.length) {
    throw new UsageError(
      `unknown bench section ${unknown.map((u) => `'${u}'`).join(', ')}; allowed: ${NAMES.join(', ')}`,
    );
  }
  return positionals.length
    ? (NAMES.filter((n) => positionals.includes(n)) as SectionName[])
    : ([...NAMES] as SectionName[]);
}
