/** Entry point of `npm run backtest -- <env>`; see scripts/backtest/cli.ts. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { backtestMain } from './backtest/cli.js';

try {
  process.exitCode = await backtestMain(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cloudwatch: (region) => new CloudWatchClient({ region, maxAttempts: 1 }),
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });
} catch (error) {
  console.error('backtest: internal error:', error);
  process.exitCode = 2;
}
