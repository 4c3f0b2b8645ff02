/** The one Route53Client of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { Route53Client } from '@aws-sdk/client-route-53';
import { clientConfig } from './config.js';

let client: Route53Client | undefined;

export function route53Client(): Route53Client {
  client ??= new Route53Client(clientConfig());
  return client;
}
