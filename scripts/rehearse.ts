/**
 * `npm run rehearse -- <env>`: a deploy rehearsal on a local AWS (LocalStack's open-source core as a host process,
 * tools/localstack): launch every stack through the real Sceptre project and hooks (the deploy gate), check with the
 * SDK what was really created, change a handler and `sceptre update` its stack (the function's code key changes),
 * then delete the environment. Honest about its reach: see docs/rehearsal.md (what is created, faked, substituted,
 * and what is never rehearsed: drift, stack policies, termination protection, IMPORT).
 * Exit 0 rehearsed, 1 a step failed or an emulator fallback/failure outside the reviewed allow-list, 2 usage.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { accountTargetOf } from './lib/account.js';
import { answerHelp, usageText } from './lib/args.js';
import { prepareCopy } from './rehearse/copy.js';
import { startLocalStack, syncLocalStack } from './rehearse/localstack.js';
import { rehearse } from './rehearse/run.js';

const USAGE = usageText({
  synopsis: 'npm run rehearse -- <env>',
  details: [
    'launches, updates and deletes <env> on a local LocalStack (never AWS); writes reports/rehearse-<env>.md/.json',
  ],
  exitCodes:
    '0 rehearsed, 1 a step failed or an emulator fallback/failure outside the reviewed allow-list, 2 usage error',
});
// before anything starts: --help never launches the emulator
if (answerHelp(process.argv.slice(2), USAGE, (t) => process.stdout.write(t)) !== undefined) process.exit(0);
const env = process.argv[2];
if (!env || process.argv.length > 3 || env.startsWith('-')) {
  console.error(USAGE);
  process.exit(2);
}
const started = Date.now();
syncLocalStack();
const ls = await startLocalStack();
console.log(
  `rehearse: LocalStack pid ${ls.pid} on ${ls.endpoint} (log ${ls.logFile}), up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
let code = 1;
let copyDir: string | undefined;
try {
  const account = accountTargetOf(env).accountId;
  if (!account)
    throw new Error(`environments/${env}.yaml has no accountId: the rehearsal runs as that account`);
  mkdirSync('reports', { recursive: true });
  const fixed = prepareCopy(env, 'dist/handlers/manifest.json');
  copyDir = fixed.dir;
  const result = await rehearse({
    env,
    account,
    endpoint: ls.endpoint,
    logFile: ls.logFile,
    sceptreDir: fixed.dir,
    manifest: fixed.manifest,
    substituted: fixed.substituted,
    run: (command, args, extraEnv) =>
      new Promise((resolve) => {
        const child = spawn(command, [...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ...extraEnv },
        });
        let text = '';
        child.stdout.on('data', (d) => {
          text += d;
          process.stdout.write(d);
        });
        child.stderr.on('data', (d) => {
          text += d;
          process.stderr.write(d);
        });
        child.on('exit', (c) => resolve({ code: c ?? 1, output: text }));
      }),
    readFile: (p) => readFileSync(p),
    writeFile: (p, data) => writeFileSync(p, data),
  });
  writeFileSync(`reports/rehearse-${env}.md`, result.markdown);
  writeFileSync(`reports/rehearse-${env}.json`, `${JSON.stringify(result.json, null, 1)}\n`);
  console.log(result.markdown);
  console.log(
    `rehearse: wrote reports/rehearse-${env}.md and .json; total ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  code = result.ok ? 0 : 1;
} catch (error) {
  console.error(`rehearse: FAILED: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await ls.stop();
  console.log(`rehearse: LocalStack pid ${ls.pid} stopped`);
  // The project copy and the emulator's files go; the emulator's log stays when the rehearsal failed.
  if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  if (code === 0) rmSync(ls.dir, { recursive: true, force: true });
  else console.log(`rehearse: LocalStack log kept at ${ls.logFile}`);
}
process.exitCode = code;
