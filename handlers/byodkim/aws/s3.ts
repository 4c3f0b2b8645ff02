/**
 * S3 adapter of the BYODKIM functions: reads the domain list object the deploy gate uploaded to the artifacts
 * bucket (contracts/functions/byodkim.ts) through the shared configuration-object reader (one S3 client, the
 * same messages for every function): missing, unreadable, empty or damaged is a ConfigurationError naming the
 * bucket and key, never an empty list.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { BYODKIM_ENV } from '../../../contracts/functions/byodkim.js';
import { readConfigObject as read } from '../../shared/config-object.js';
import { ConfigurationError } from '../core/errors.js';

/** The body of `s3://<bucket>/<key>` as UTF-8 text. */
export function readConfigObject(
  bucket: string,
  key: string,
  client?: Pick<S3Client, 'send'>,
): Promise<string> {
  return read(
    {
      bucket,
      key,
      what: 'domain list object',
      stack: 'byodkim',
      bucketVariable: BYODKIM_ENV.configBucket,
      fail: (message, options) => new ConfigurationError(message, options),
    },
    client,
  );
}
