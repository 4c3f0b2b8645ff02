/** The one S3Client of a handler: created on first use, reused across invocations; tests replace it with aws-sdk-client-mock. */
import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from './config.js';

let client: S3Client | undefined;

export function s3Client(): S3Client {
  client ??= new S3Client(clientConfig());
  return client;
}
