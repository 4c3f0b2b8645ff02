/**
 * Entry point of the deploy gate, run by the Sceptre hooks of every stack config:
 * `node scripts/run.mjs scripts/gate.ts <env> <stack> <before-create|before-update|after-create|after-update|before-delete>
 *  [--sceptre-dir sceptre] [--manifest dist/handlers/manifest.json]`. Operator overrides: DEPLOY_ALLOW_DRIFT=<stack,...|all>, DEPLOY_ALLOW_REPLACE=<stack,...|all>.
 * Exit 0 go on, 1 refused (Sceptre stops the action), 2 usage.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { describeError } from '../lib/errors.js';
import { loadIgnoreFile } from './drift/ignore.js';
import { GATE_ACTIONS, type GateAction, runGate } from './gate/core.js';
import { accountTargetOf, stsCallerAccount } from './lib/account.js';
import { answerHelp, usageText } from './lib/args.js';

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const USAGE = usageText({
  synopsis: `node scripts/run.mjs scripts/gate.ts <env> <stack> <${GATE_ACTIONS.join('|')}> [--sceptre-dir sceptre] [--manifest dist/handlers/manifest.json]`,
  details: [
    'run by the Sceptre hooks of every stack; operator overrides in the environment:',
    'DEPLOY_ALLOW_DRIFT=<stack,...|all>, DEPLOY_ALLOW_REPLACE=<stack,...|all> (npm run deploy sets them)',
  ],
  exitCodes: '0 go on, 1 refused (Sceptre stops the action), 2 usage error',
});
const args = process.argv.slice(2);
if (answerHelp(args, USAGE, (t) => process.stdout.write(t)) !== undefined) process.exit(0);
const option = (flag: string, fallback: string): string => {
  const at = args.indexOf(flag);
  if (at < 0) return fallback;
  const value = args[at + 1] ?? '';
  args.splice(at, 2);
  return value;
};
// --sceptre-dir and --manifest: the rehearsal runs the gate over its own copy of the project.
const sceptreDir = option('--sceptre-dir', 'sceptre');
const manifestPath = option('--manifest', 'dist/handlers/manifest.json');
const [env, stack, action] = args;
if (!env || !stack || !sceptreDir || !manifestPath || !GATE_ACTIONS.includes(action as GateAction)) {
  console.error(USAGE);
  process.exit(2);
}
const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'ap-northeast-1';
try {
  await runGate(
    { env, stack, action: action as GateAction, sceptreDir },
    {
      account: accountTargetOf(env),
      callerAccount: stsCallerAccount(new STSClient({ region })),
      cloudformation: new CloudFormationClient({ region, maxAttempts: 5 }),
      s3: new S3Client({ region, maxAttempts: 5 }),
      run: (command, argv) =>
        new Promise((resolve) => {
          const child = spawn(command, [...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
          child.on('error', () => resolve(127));
          child.on('exit', (code) => resolve(code ?? 1));
        }),
      manifest: () => JSON.parse(readFileSync(manifestPath, 'utf8')),
      readZip: (path) => readFileSync(path),
      ignore: existsSync('drift-ignore.yaml') ? loadIgnoreFile('drift-ignore.yaml') : [],
      allowDrift: list(process.env.DEPLOY_ALLOW_DRIFT),
      allowReplace: list(process.env.DEPLOY_ALLOW_REPLACE),
      log: (line) => console.log(line),
      now: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
  );
} catch (error) {
  console.error(`gate ${env}/${stack} ${action}: REFUSED: ${describeError(error)}`);
  process.exitCode = 1;
}
