/**
 * Reads a configuration object (contracts/artifacts.ts: per-domain data a stack writes to the artifacts bucket
 * instead of a function's 4 KB environment) with the handler's one S3 client, and checks its bytes against the
 * SHA-256 its key names. Every failure names the bucket, the key, what went wrong and what to do; nothing falls
 * back to an empty value.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { verifyConfigObject } from '../../contracts/artifacts.js';
import type { ConfigErrorFactory } from '../../contracts/functions/env.js';
import { s3Client } from './clients/s3.js';

export interface ConfigObjectRead {
  readonly bucket: string;
  readonly key: string;
  /** What the object is, for messages: `domain list object`. */
  readonly what: string;
  /** The stack whose deploy uploads it (its deploy gate): `byodkim`. */
  readonly stack: string;
  /** The bucket's environment variable, for the missing-bucket message. */
  readonly bucketVariable: string;
  readonly fail: ConfigErrorFactory;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

/** The body of `s3://<bucket>/<key>` as UTF-8 text, its SHA-256 checked against the key. */
export async function readConfigObject(
  r: ConfigObjectRead,
  client: Pick<S3Client, 'send'> = s3Client(),
): Promise<string> {
  const where = `${r.what} s3://${r.bucket}/${r.key}`;
  const redeploy =
    `the deploy gate uploads it before each create or update of the ${r.stack} stack: run npm run deploy -- <env> ` +
    '(or sceptre launch) again, and check that the artifacts bucket keeps objects under config/';
  let body: string | undefined;
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: r.bucket, Key: r.key }));
    body = await out.Body?.transformToString('utf-8');
  } catch (error) {
    const name = errorName(error);
    const message = error instanceof Error ? error.message : String(error);
    const cause = { cause: error };
    if (name === 'NoSuchKey' || name === 'NotFound') {
      throw r.fail(`${where} does not exist (${name}): ${redeploy}`, cause);
    }
    if (name === 'NoSuchBucket') {
      throw r.fail(
        `${where}: the bucket does not exist (${name}); ${r.bucketVariable} must be the base stack's artifacts bucket`,
        cause,
      );
    }
    if (name === 'AccessDenied' || name === 'Forbidden' || name.startsWith('KMS')) {
      throw r.fail(
        `${where} cannot be read (${name}: ${message}): the function role needs s3:GetObject on this key and kms:Decrypt on the artifacts key through S3 (${r.stack} stack)`,
        cause,
      );
    }
    throw r.fail(`${where} could not be read (${name}: ${message})`, cause);
  }
  if (body === undefined || body === '') throw r.fail(`${where} is empty: ${redeploy}`);
  verifyConfigObject(r.key, body, (m) => r.fail(m), `s3://${r.bucket}/${r.key}`, r.stack);
  return body;
}
