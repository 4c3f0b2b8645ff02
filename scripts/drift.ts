/** Entry point of `npm run drift -- <env>`; see scripts/drift/cli.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { driftMain } from './drift/cli.js';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, runCommand, STDIO } from './lib/preflight.js';

await runCommand('drift', (args) =>
  driftMain(args, {
    ...STDIO,
    // The engine retries throttling itself with backoff; the SDK adds a few quick retries for network errors.
    cloudformation: (region) => new CloudFormationClient(awsClientConfig(region, 3)),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
  }),
);
