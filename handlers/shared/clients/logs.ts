/** The one CloudWatchLogsClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig } from './config.js';

let client: CloudWatchLogsClient | undefined;

export function logsClient(): CloudWatchLogsClient {
  client ??= new CloudWatchLogsClient(clientConfig());
  return client;
}
