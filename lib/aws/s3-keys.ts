/** Every object key under a prefix (all pages of ListObjectsV2), for the report, the deploy gate and status alike. */
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';

/** Anything that sends S3 commands (the client, or a test's stand-in). */
export interface S3KeyLister {
  // biome-ignore lint/suspicious/noExplicitAny: one command type of several clients' send signatures.
  send(command: ListObjectsV2Command): Promise<any>;
}

/** The keys under `prefix`, sorted, following continuation tokens. */
export async function listKeys(s3: S3KeyLister, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page: ListObjectsV2CommandOutput = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}
