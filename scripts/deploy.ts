/** Entry point of `npm run deploy -- <env> [--dry-run]`; see scripts/deploy/cli.ts. */
import { spawn } from 'node:child_process';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { deployMain } from './deploy/cli.js';
import { stsCallerAccount } from './lib/account.js';

try {
  process.exitCode = await deployMain(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    run: (command, args, env) =>
      new Promise((resolve) => {
        const child = spawn(command, [...args], { stdio: 'inherit', env: { ...process.env, ...env } });
        child.on('error', (error) => {
          process.stderr.write(`deploy: cannot run ${command}: ${error.message}\n`);
          resolve(127);
        });
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
    cloudformation: (region) => new CloudFormationClient({ region, maxAttempts: 5 }),
    s3: (region) => new S3Client({ region, maxAttempts: 5 }),
    callerAccount: (region) => stsCallerAccount(new STSClient({ region }))(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
} catch (error) {
  console.error('deploy: internal error:', error);
  process.exitCode = 2;
}
