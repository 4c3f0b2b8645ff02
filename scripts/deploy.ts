/** Entry point of `npm run deploy -- <env> [--dry-run]`; see scripts/deploy/cli.ts. */
import { spawn } from 'node:child_process';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { deployMain } from './deploy/cli.js';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, debugFlag, internalErrorText } from './lib/preflight.js';

// the SDK's multi-line notice about Node 20 support ending in 2027 would bury the one-line errors (README:
// Prerequisites says which Node to use)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { debug, args } = debugFlag(process.argv.slice(2));
try {
  process.exitCode = await deployMain(args, {
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
    cloudformation: (region) => new CloudFormationClient(awsClientConfig(region, 5)),
    s3: (region) => new S3Client(awsClientConfig(region, 5)),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
} catch (error) {
  // not an expected error (a bug): one line, the stack trace with --debug
  console.error(internalErrorText('deploy', error, debug));
  process.exitCode = 2;
}
