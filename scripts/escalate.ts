/** Entry point of `npm run escalate -- <env> <alarm> --by <name>`; see scripts/oncall/cli.ts. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { oncallMain } from './oncall/cli.js';

process.exitCode = await oncallMain('escalate', process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  clients: (region) => ({
    cloudwatch: new CloudWatchClient({ region, maxAttempts: 3 }),
    dynamodb: new DynamoDBClient({ region, maxAttempts: 3 }),
  }),
  now: () => new Date(),
});
