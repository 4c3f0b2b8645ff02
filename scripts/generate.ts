/**
 * `npm run generate`: validates environments/*.yaml, bundles the Lambda handlers, renders every template and
 * the Sceptre config, and swaps them into sceptre/ atomically. Invalid input writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../generators/config/load.js';
import { generateAll } from '../generators/generate.js';
import { STACKS } from '../generators/stacks/index.js';
import { bundleHandlers } from './lib/bundle.js';
import { loadEnvironments } from './lib/environments.js';
import { replaceDirectories } from './lib/fs-atomic.js';

async function main(): Promise<void> {
  const cfgs = loadEnvironments();
  const bundling = performance.now();
  const bundles = await bundleHandlers(
    process.cwd(),
    STACKS.flatMap((s) => s.handlers ?? []),
  );
  const manifest = Object.fromEntries(
    [...bundles].map(([name, b]) => [
      name,
      { key: b.key, sha256: b.sha256, zip: `dist/handlers/${name}.zip` },
    ]),
  );
  writeFileSync('dist/handlers/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  const bundleMs = (performance.now() - bundling).toFixed(0);
  const rendering = performance.now();
  const { files } = generateAll(cfgs, bundles);
  const report = replaceDirectories('sceptre', ['templates', 'config'], files);
  const ms = (performance.now() - rendering).toFixed(0);
  console.log(`bundled ${bundles.size} handlers into dist/handlers in ${bundleMs} ms`);
  console.log(
    `generated ${files.size} files for ${cfgs.map((c) => c.sceptreEnv).join(', ')} in ${ms} ms: ` +
      `${report.changed.length} changed, ${report.unchanged} unchanged, ${report.removed.length} removed`,
  );
  for (const f of report.changed) console.log(`  changed sceptre/${f}`);
  for (const f of report.removed) console.log(`  removed sceptre/${f}`);
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) {
    console.error(`${e.message}\nnothing was written.`);
  } else {
    console.error(`generate failed: ${e instanceof Error ? e.message : String(e)}\nnothing was written.`);
  }
  process.exit(1);
});
