/** Entry point of `npm run report -- <env> <cadence>`; see scripts/report/cli.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, runCommand, STDIO } from './lib/preflight.js';
import { reportMain } from './report/cli.js';

await runCommand('report', (args) =>
  reportMain(args, {
    ...STDIO,
    clients: (region) => {
      // Timeouts on every call (preflight.ts); IAM events and Cost Explorer answer in us-east-1.
      const config = awsClientConfig(region);
      const global = awsClientConfig('us-east-1');
      return {
        cloudformation: new CloudFormationClient(config),
        cloudwatch: new CloudWatchClient(config),
        logs: new CloudWatchLogsClient(config),
        s3: new S3Client(config),
        dynamodb: new DynamoDBClient(config),
        cloudtrail: new CloudTrailClient(config),
        cloudtrailGlobal: new CloudTrailClient(global),
        costExplorer: new CostExplorerClient(global),
        sesv2: new SESv2Client(config),
        sns: new SNSClient(config),
      };
    },
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
    now: () => new Date(),
  }),
);
