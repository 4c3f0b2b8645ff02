/** Entry point of `npm run backtest -- <env>`; see scripts/backtest/cli.ts. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { STSClient } from '@aws-sdk/client-sts';
import { backtestMain } from './backtest/cli.js';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, debugFlag, internalErrorText } from './lib/preflight.js';

const { debug, args } = debugFlag(process.argv.slice(2));
try {
  process.exitCode = await backtestMain(args, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    // One attempt per request: fetch.ts retries throttling itself, with backoff.
    cloudwatch: (region) => new CloudWatchClient(awsClientConfig(region, 1)),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
} catch (error) {
  console.error(internalErrorText('backtest', error, debug));
  process.exitCode = 2;
}
