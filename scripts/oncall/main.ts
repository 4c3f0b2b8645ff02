/** The real clients of `npm run ack` / `npm run escalate`: timeouts on every call, STS for the account check. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STSClient } from '@aws-sdk/client-sts';
import { stsCallerAccount } from '../lib/account.js';
import { awsClientConfig } from '../lib/preflight.js';
import { type OncallCommand, oncallMain } from './cli.js';

export function runOncall(command: OncallCommand, argv: string[]): Promise<number> {
  return oncallMain(command, argv, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    clients: (region) => ({
      cloudwatch: new CloudWatchClient(awsClientConfig(region)),
      dynamodb: new DynamoDBClient(awsClientConfig(region)),
    }),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    now: () => new Date(),
  });
}
