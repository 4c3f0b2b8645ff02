/** The one KMSClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from './config.js';

let client: KMSClient | undefined;

export function kmsClient(): KMSClient {
  client ??= new KMSClient(clientConfig());
  return client;
}
