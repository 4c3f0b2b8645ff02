/** The one CloudWatchClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { clientConfig } from './config.js';

let client: CloudWatchClient | undefined;

export function cloudwatchClient(): CloudWatchClient {
  client ??= new CloudWatchClient(clientConfig());
  return client;
}
