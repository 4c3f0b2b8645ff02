/**
 * Entry point of the deploy gate, run by the Sceptre hooks of every stack config:
 * `node scripts/run.mjs scripts/gate.ts <env> <stack> <before-create|before-update|after-create|after-update|before-delete>
 *  [--sceptre-dir sceptre]`. Operator overrides: DEPLOY_ALLOW_DRIFT=<stack,...|all>, DEPLOY_ALLOW_REPLACE=<stack,...|all>.
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

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const args = process.argv.slice(2);
const dirAt = args.indexOf('--sceptre-dir');
const sceptreDir = dirAt >= 0 ? args[dirAt + 1] : 'sceptre';
const [env, stack, action] = dirAt >= 0 ? [...args.slice(0, dirAt), ...args.slice(dirAt + 2)] : args;
if (!env || !stack || !sceptreDir || !GATE_ACTIONS.includes(action as GateAction)) {
  console.error(`usage: gate.ts <env> <stack> <${GATE_ACTIONS.join('|')}> [--sceptre-dir sceptre]`);
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
      manifest: () => JSON.parse(readFileSync('dist/handlers/manifest.json', 'utf8')),
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
