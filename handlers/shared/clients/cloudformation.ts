/** The one CloudFormationClient of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { clientConfig } from './config.js';

let client: CloudFormationClient | undefined;

export function cloudformationClient(): CloudFormationClient {
  client ??= new CloudFormationClient(clientConfig());
  return client;
}
