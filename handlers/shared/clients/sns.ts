/** The one SNSClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { SNSClient } from '@aws-sdk/client-sns';
import { clientConfig } from './config.js';

let client: SNSClient | undefined;

export function snsClient(): SNSClient {
  client ??= new SNSClient(clientConfig());
  return client;
}
