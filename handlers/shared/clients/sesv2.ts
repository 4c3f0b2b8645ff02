/** The one SESv2Client of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { clientConfig } from './config.js';

let client: SESv2Client | undefined;

export function sesv2Client(): SESv2Client {
  client ??= new SESv2Client(clientConfig());
  return client;
}
