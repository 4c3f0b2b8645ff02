/**
 * `npm run generate`: validates environments/*.yaml, bundles the Lambda handlers, renders every template and
 * the Sceptre config, and swaps them into sceptre/ atomically. Invalid input writes nothing.
 *
 * An environment whose file is gone keeps its generated files (and generate stops, saying how to delete its
 * stacks first) unless `--remove-environment <env>` confirms it; then a notice names what was removed. A changed
 * `ses.identityStacks` that would move SES identities to other stacks is refused unless `--move-identities`.
 * More than 10 sending policy parts print a WARNING, parts added or removed a NOTICE (generate/sending-parts.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { configObjectPath } from '../contracts/artifacts.js';
import { ConfigError } from '../generators/config/load.js';
import { generateAll } from '../generators/generate.js';
import { STACKS } from '../generators/stacks/index.js';
import { UsageError } from '../lib/errors.js';
import { GENERATE_USAGE, parseGenerateArgs, removals } from './generate/args.js';
import { identityMoves, refuseUnaskedMoves } from './generate/identity-moves.js';
import { sendingPartsNotices } from './generate/sending-parts.js';
import { answerHelp } from './lib/args.js';
import { bundleHandlers } from './lib/bundle.js';
import { pruneConfigObjects, writeConfigObjects } from './lib/config-objects.js';
import { loadEnvironments } from './lib/environments.js';
import { replaceDirectories } from './lib/fs-atomic.js';
import { inputsHash, writeStamp } from './lib/generate-stamp.mjs';

/** Sceptre environments that have generated files in sceptre/config or sceptre/templates. */
function generatedEnvironments(): string[] {
  const dirs = ['sceptre/config', 'sceptre/templates'].filter((d) => existsSync(d));
  const envs = dirs.flatMap((d) =>
    readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name),
  );
  return [...new Set(envs)].sort();
}

/**
 * The identity-stack and security templates of the last generate (sceptre/templates/<env>/ses*.json,
 * security.json), keyed as generateAll keys them.
 */
function previousTemplates(): [string, string][] {
  if (!existsSync('sceptre/templates')) return [];
  return readdirSync('sceptre/templates').flatMap((env) => {
    const dir = `sceptre/templates/${env}`;
    if (!statSync(dir).isDirectory()) return [];
    return readdirSync(dir)
      .filter((f) => /^(ses|ses-identities-\d+|security)\.json$/.test(f))
      .map((f): [string, string] => [`templates/${env}/${f}`, readFileSync(`${dir}/${f}`, 'utf8')]);
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (answerHelp(argv, GENERATE_USAGE, (t) => process.stdout.write(t)) !== undefined) return;
  const inputs = inputsHash(); // before reading anything: an edit during the run leaves a stale stamp
  const { remove, moveIdentities } = parseGenerateArgs(argv);
  const cfgs = loadEnvironments(undefined, {
    onIgnored: (file, why) => console.log(`ignored ${file} (${why})`),
  });
  const current = new Set(cfgs.map((c) => c.sceptreEnv));
  const generated = generatedEnvironments();
  removals(remove, current, generated);
  const orphans = generated.filter((e) => !current.has(e));
  const unconfirmed = orphans.filter((e) => !remove.has(e));
  if (unconfirmed.length > 0) {
    const list = unconfirmed.join(', ');
    throw new UsageError(
      `environment ${list} has generated files in sceptre/ but no environments/<env>.yaml any more.\n` +
        'Removing the file does not delete its deployed stacks. To delete them, restore the file and run ' +
        `uv run sceptre --dir sceptre delete -y ${unconfirmed[0]} first (README: "Adding and removing an environment").\n` +
        `Then drop the generated files with: npm run generate -- ${unconfirmed.map((e) => `--remove-environment ${e}`).join(' ')}`,
    );
  }
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
  const { files, configObjects } = generateAll(cfgs, bundles);
  const previous = previousTemplates();
  refuseUnaskedMoves(identityMoves(previous, files), moveIdentities);
  const partNotices = sendingPartsNotices(previous, files);
  // Before the templates that name them: a template never names a configuration object that is not on disk.
  const objects = writeConfigObjects(configObjects);
  const report = replaceDirectories('sceptre', ['templates', 'config'], files);
  pruneConfigObjects(configObjects);
  const ms = (performance.now() - rendering).toFixed(0);
  console.log(`bundled ${bundles.size} handlers into dist/handlers in ${bundleMs} ms`);
  console.log(
    `generated ${files.size} files for ${cfgs.map((c) => c.sceptreEnv).join(', ')} in ${ms} ms: ` +
      `${report.changed.length} changed, ${report.unchanged} unchanged, ${report.removed.length} removed`,
  );
  console.log(
    `configuration objects: ${configObjects.size} in dist/config (${objects.written.length} new)` +
      objects.written.map((k) => `\n  new ${configObjectPath(k)}`).join(''),
  );
  for (const f of report.changed) console.log(`  changed sceptre/${f}`);
  for (const f of report.removed) console.log(`  removed sceptre/${f}`);
  for (const line of partNotices) console.log(line);
  for (const env of orphans) {
    const count = report.removed.filter(
      (f) => f.startsWith(`config/${env}/`) || f.startsWith(`templates/${env}/`),
    ).length;
    console.log(
      `NOTICE: removed the ${count} generated files of environment "${env}" (sceptre/config/${env}, ` +
        `sceptre/templates/${env}) as --remove-environment ${env} asked; its deployed stacks, if any, still exist.`,
    );
  }
  writeStamp(inputs);
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof UsageError) {
    console.error(`${e.message}\nnothing was written.`);
  } else {
    console.error(`generate failed: ${e instanceof Error ? e.message : String(e)}\nnothing was written.`);
  }
  process.exit(1);
});
