/** S3 adapter: the report archive (reads, KMS-encrypted writes, conditional writes) and the latest drift report. */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listKeys } from '../../aws/s3-keys.js';
import type { DriftSummary } from '../ports.js';

const notFound = (e: unknown) => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
};

export async function getText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await res.Body!.transformToString('utf-8');
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

export async function put(
  s3: S3Client,
  bucket: string,
  kmsKeyArn: string | undefined,
  key: string,
  body: string | Uint8Array,
  contentType: string,
  onlyIfAbsent = false,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      ...(kmsKeyArn
        ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyArn, BucketKeyEnabled: true }
        : {}),
      ...(onlyIfAbsent ? { IfNoneMatch: '*' } : {}),
    }),
  );
}

export function consoleLink(region: string, bucket: string, key: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${encodeURIComponent(key)}`;
}

/** The newest drift report JSON under drift-reports/<environment>/ (keys sort by date and time). */
export async function latestDrift(
  s3: S3Client,
  bucket: string,
  environment: string,
): Promise<DriftSummary | undefined> {
  const keys = (await listKeys(s3, bucket, `drift-reports/${environment}/`)).filter((k) =>
    k.endsWith('.json'),
  );
  const key = keys.at(-1);
  if (!key) return undefined;
  const report = JSON.parse((await getText(s3, bucket, key)) ?? '{}') as {
    startedAt?: string;
    stacks?: { name?: string; stackName?: string; outcome?: string }[];
  };
  return {
    key,
    startedAt: report.startedAt ?? '',
    stacks: (report.stacks ?? []).map((s) => ({
      stack: s.name ?? s.stackName ?? '?',
      status: s.outcome ?? 'UNKNOWN',
    })),
  };
}
