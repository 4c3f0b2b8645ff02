/** Entry point of `npm run backtest -- <env>`; see scripts/backtest/cli.ts. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { STSClient } from '@aws-sdk/client-sts';
import { backtestMain } from './backtest/cli.js';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, runCommand, STDIO } from './lib/preflight.js';

await runCommand('backtest', (args) =>
  backtestMain(args, {
    ...STDIO,
    // One attempt per request: fetch.ts retries throttling itself, with backoff.
    cloudwatch: (region) => new CloudWatchClient(awsClientConfig(region, 1)),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  }),
);
