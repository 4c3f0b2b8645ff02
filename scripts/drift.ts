/** Entry point of `npm run drift -- <env>`; see scripts/drift/cli.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { driftMain } from './drift/cli.js';
import { stsCallerAccount } from './lib/account.js';

try {
  process.exitCode = await driftMain(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    // The engine retries throttling itself with backoff; the SDK adds a few quick retries for network errors.
    cloudformation: (region) => new CloudFormationClient({ region, maxAttempts: 3 }),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    callerAccount: (region) => stsCallerAccount(new STSClient({ region }))(),
  });
} catch (error) {
  // Not an expected error: a bug. Keep the trace for the report.
  console.error('drift: internal error:', error);
  process.exitCode = 2;
}
