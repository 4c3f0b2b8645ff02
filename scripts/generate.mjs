#!/usr/bin/env node
// `npm run generate`: when nothing changed since the last successful run (scripts/lib/generate-stamp.mjs), says
// so and writes nothing, without loading esbuild or the generator; otherwise runs scripts/generate.ts.
// Any argument (`--force`, `--remove-environment <env>`) takes the full path.
import { upToDate } from './lib/generate-stamp.mjs';

const args = process.argv.slice(2);
const inputs = args.length === 0 ? upToDate() : undefined;
if (inputs) {
  console.log(
    `generate: nothing changed since the last run (inputs ${inputs.slice(0, 12)}); nothing was written`,
  );
} else {
  process.argv = [
    process.argv[0],
    'scripts/run.mjs',
    'scripts/generate.ts',
    ...args.filter((a) => a !== '--force'),
  ];
  await import('./run.mjs');
}
