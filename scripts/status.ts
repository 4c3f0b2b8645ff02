/** Entry point of `npm run status -- <env>`; see scripts/status/cli.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { STSClient } from '@aws-sdk/client-sts';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, runCommand, STDIO } from './lib/preflight.js';
import { statusMain } from './status/cli.js';

await runCommand('status', (args) =>
  statusMain(args, {
    ...STDIO,
    clients: (region) => {
      const config = awsClientConfig(region, 3);
      return {
        cloudwatch: new CloudWatchClient(config),
        sesv2: new SESv2Client(config),
        cloudformation: new CloudFormationClient(config),
        kms: new KMSClient(config),
        logs: new CloudWatchLogsClient(config),
        scheduler: new SchedulerClient(config),
        dynamodb: new DynamoDBClient(config),
        cloudtrail: new CloudTrailClient(config),
        s3: new S3Client(config),
      };
    },
    now: () => Date.now(),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  }),
);
