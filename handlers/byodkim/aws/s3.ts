/**
 * S3 adapter of the BYODKIM functions (the only module of theirs that imports the S3 client): reads the domain
 * list object the deploy gate uploaded to the artifacts bucket (contracts/functions/byodkim.ts). Every failure
 * names the bucket, the key, what went wrong and what to do; nothing is retried here beyond the SDK's retries,
 * and nothing falls back to an empty list.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '../../shared/clients/s3.js';
import { ConfigurationError } from '../core/errors.js';

const REDEPLOY =
  'the deploy gate uploads it before each create or update of the byodkim stack: run npm run deploy -- <env> ' +
  '(or sceptre launch) again, and check that the artifacts bucket keeps objects under config/';

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

/** The body of `s3://<bucket>/<key>` as UTF-8 text. */
export async function readConfigObject(
  bucket: string,
  key: string,
  client: Pick<S3Client, 'send'> = s3Client(),
): Promise<string> {
  const where = `s3://${bucket}/${key}`;
  let body: string | undefined;
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    body = await out.Body?.transformToString('utf-8');
  } catch (error) {
    const name = errorName(error);
    const message = error instanceof Error ? error.message : String(error);
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw new ConfigurationError(`domain list object ${where} does not exist (${name}): ${REDEPLOY}`, {
        cause: error,
      });
    }
    if (name === 'NoSuchBucket') {
      throw new ConfigurationError(
        `domain list object ${where}: the bucket does not exist (${name}); CONFIG_BUCKET must be the base stack's artifacts bucket`,
        { cause: error },
      );
    }
    if (name === 'AccessDenied' || name === 'Forbidden' || name.startsWith('KMS')) {
      throw new ConfigurationError(
        `domain list object ${where} cannot be read (${name}: ${message}): the function role needs s3:GetObject on this key and kms:Decrypt on the artifacts key through S3 (byodkim stack)`,
        { cause: error },
      );
    }
    throw new ConfigurationError(`domain list object ${where} could not be read (${name}: ${message})`, {
      cause: error,
    });
  }
  if (body === undefined || body === '') {
    throw new ConfigurationError(`domain list object ${where} is empty: ${REDEPLOY}`);
  }
  return body;
}
