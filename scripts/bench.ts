/**
 * `npm run bench -- [section ...]`: runs the named benchmark modules of bench/ (all when none named), each
 * exports `run()` and prints its figures. `--help` lists the sections (bench/sections.ts).
 */
import { BENCH_USAGE, SECTIONS, type SectionName, selectSections } from '../bench/sections.js';
import { answerHelp } from './lib/args.js';

/** Loaded only when chosen: `--help` and one section start quickly. */
const RUN: Record<SectionName, () => Promise<void>> = {
  masking: async () => (await import('../bench/masking.js')).run(),
  handlers: async () => (await import('../bench/handlers.js')).run(),
  drift: async () => (await import('../bench/drift.js')).run(),
  alarms: async () => (await import('../bench/alarms.js')).run(),
  scale: async () => (await import('../bench/scale.js')).run(),
  metrics: async () => (await import('../bench/metrics-scale.js')).run(),
  byodkim: async () => (await import('../bench/byodkim.js')).run(),
  'byodkim-tick': async () => (await import('../bench/byodkim-tick.js')).run(),
};

async function main(argv: string[]): Promise<number> {
  const help = answerHelp(argv, BENCH_USAGE, (t) => process.stdout.write(t));
  if (help !== undefined) return help;
  for (const name of selectSections(argv)) {
    console.log(`\n== bench: ${name}: ${SECTIONS.find(([n]) => n === name)![1]}`);
    await RUN[name]();
  }
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  if (error instanceof Error && error.name === 'UsageError') console.error(BENCH_USAGE);
  process.exitCode = error instanceof Error && error.name === 'UsageError' ? 2 : 1;
}
