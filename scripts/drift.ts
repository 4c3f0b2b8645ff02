/** Entry point of `npm run drift -- <env>`; see scripts/drift/cli.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { driftMain } from './drift/cli.js';
import { stsCallerAccount } from './lib/account.js';
import { awsClientConfig, debugFlag, internalErrorText } from './lib/preflight.js';

// the SDK's multi-line notice about Node 20 support ending in 2027 would bury the one-line errors (README:
// Prerequisites says which Node to use)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { debug, args } = debugFlag(process.argv.slice(2));
try {
  process.exitCode = await driftMain(args, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    // The engine retries throttling itself with backoff; the SDK adds a few quick retries for network errors.
    cloudformation: (region) => new CloudFormationClient(awsClientConfig(region, 3)),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    callerAccount: (region) => stsCallerAccount(new STSClient(awsClientConfig(region)))(),
  });
} catch (error) {
  // not an expected error (a bug): one line, the stack trace with --debug
  console.error(internalErrorText('drift', error, debug));
  process.exitCode = 2;
}
