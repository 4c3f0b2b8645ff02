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
import { awsClientConfig, debugFlag, internalErrorText } from './lib/preflight.js';
import { statusMain } from './status/cli.js';

// the SDK's multi-line notice about Node 20 support ending in 2027 would bury the one-line errors (README:
// Prerequisites says which Node to use)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { debug, args } = debugFlag(process.argv.slice(2));
try {
  process.exitCode = await statusMain(args, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
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
  });
} catch (error) {
  // not an expected error (a bug): one line, the stack trace with --debug
  console.error(internalErrorText('status', error, debug));
  process.exitCode = 2;
}
