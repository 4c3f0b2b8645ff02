/**
 * Uploads the handler bundles a template names (`S3Key: handlers/<name>/<sha256>.zip`) to the artifacts bucket,
 * skipping those already there (keys are content hashes). Runs before every create and update of the stack, so
 * `sceptre update` after a handler change never points a function at a bundle that was never uploaded.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { errorName } from '../../lib/errors.js';

export interface Manifest {
  readonly [handler: string]: { readonly key: string; readonly sha256: string; readonly zip: string };
}

export interface S3Sender {
  // biome-ignore lint/suspicious/noExplicitAny: a real S3 client or a mock
  send(command: any): Promise<any>;
}

/** Every `handlers/...zip` S3 key a template names, sorted, once. */
export function bundleKeysOf(template: unknown): string[] {
  const keys = new Set<string>();
  const walk = (node: unknown, parentKey: string): void => {
    if (typeof node === 'string') {
      if (parentKey === 'S3Key' && node.startsWith('handlers/')) keys.add(node);
    } else if (Array.isArray(node)) for (const v of node) walk(v, parentKey);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) walk(v, k);
    }
  };
  walk(template, '');
  return [...keys].sort();
}

/** Uploads the bundles `keys` names; throws naming a key the manifest lacks. Returns one line per key. */
export async function uploadBundles(
  keys: readonly string[],
  manifest: Manifest,
  bucket: string,
  s3: S3Sender,
  readZip: (path: string) => Uint8Array,
): Promise<string[]> {
  const byKey = new Map(Object.entries(manifest).map(([name, e]) => [e.key, { name, ...e }]));
  const lines: string[] = [];
  for (const key of keys) {
    const entry = byKey.get(key);
    if (!entry) {
      throw new Error(
        `the template names bundle ${key}, which dist/handlers/manifest.json lacks: run npm run generate`,
      );
    }
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      lines.push(`bundle ${entry.name}: s3://${bucket}/${key} already uploaded`);
      continue;
    } catch (error) {
      if (!['NotFound', 'NoSuchKey'].includes(errorName(error))) throw error;
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: readZip(entry.zip),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    lines.push(`bundle ${entry.name}: uploaded s3://${bucket}/${key}`);
  }
  return lines;
}
