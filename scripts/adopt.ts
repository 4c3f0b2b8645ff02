/** Entry point of `npm run adopt -- <env> [--dry-run]`; see scripts/adopt/cli.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { adoptMain } from './adopt/cli.js';
import { awsProbe } from './adopt/probe.js';
import { stsCallerAccount } from './lib/account.js';

process.exitCode = await adoptMain(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cloudformation: (region) => new CloudFormationClient({ region, maxAttempts: 5 }),
  probe: (region) => {
    const config = { region, maxAttempts: 5 };
    return awsProbe({
      cloudformation: new CloudFormationClient(config),
      sesv2: new SESv2Client(config),
      sns: new SNSClient(config),
      cloudwatch: new CloudWatchClient(config),
      logs: new CloudWatchLogsClient(config),
      s3: new S3Client(config),
      lambda: new LambdaClient(config),
    });
  },
  callerAccount: (region) => stsCallerAccount(new STSClient({ region }))(),
  now: () => Date.now(),
});
