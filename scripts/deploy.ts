/** Entry point of `npm run deploy -- <env> [--dry-run]`; see scripts/deploy/cli.ts. */
import { spawn } from 'node:child_process';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { deployMain } from './deploy/cli.js';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, runCommand, STDIO } from './lib/preflight.js';

await runCommand('deploy', (args) =>
  deployMain(args, {
    ...STDIO,
    run: (command, args, env) =>
      new Promise((resolve) => {
        const child = spawn(command, [...args], { stdio: 'inherit', env: { ...process.env, ...env } });
        child.on('error', (error) => {
          process.stderr.write(`deploy: cannot run ${command}: ${error.message}\n`);
          resolve(127);
        });
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
    cloudformation: (region) => new CloudFormationClient(awsClientConfig(region, 5)),
    s3: (region) => new S3Client(awsClientConfig(region, 5)),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  }),
);
