/** The one SchedulerClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { clientConfig } from './config.js';

let client: SchedulerClient | undefined;

export function schedulerClient(): SchedulerClient {
  client ??= new SchedulerClient(clientConfig());
  return client;
}
