/**
 * Uploads the handler bundles a template names (`S3Key: handlers/<name>/<sha256>.zip`) and the configuration
 * objects it names (`config/<env>/<name>/<sha256>.json`, e.g. the BYODKIM domain list) to the artifacts bucket,
 * skipping those already there (keys are content hashes). Runs before every create and update of the stack, so
 * `sceptre update` after a handler or domain change never points a function at an object that was never uploaded.
 */
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CONFIG_OBJECT_KEY,
  configObjectPath,
  configObjectSha256,
  sha256Hex,
} from '../../contracts/artifacts.js';
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

/**
 * Puts an object unless its key is already in the bucket (keys are content hashes: the same key is the same
 * bytes); true when it was uploaded. The body is read only when it is needed.
 */
async function putUnlessPresent(
  s3: S3Sender,
  bucket: string,
  key: string,
  object: () => { Body: Uint8Array | string; ContentType?: string },
): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return false;
  } catch (error) {
    if (!['NotFound', 'NoSuchKey'].includes(errorName(error))) throw error;
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, ...object(), ChecksumAlgorithm: 'SHA256' }));
  return true;
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
    const uploaded = await putUnlessPresent(s3, bucket, key, () => ({ Body: readZip(entry.zip) }));
    lines.push(
      uploaded
        ? `bundle ${entry.name}: uploaded s3://${bucket}/${key}`
        : `bundle ${entry.name}: s3://${bucket}/${key} already uploaded`,
    );
  }
  return lines;
}

/** Every configuration object key (`config/<env>/<name>/<sha256>.json`) a template names, sorted, once. */
export function configKeysOf(template: unknown): string[] {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (CONFIG_OBJECT_KEY.test(node)) keys.add(node);
    } else if (Array.isArray(node)) for (const v of node) walk(v);
    else if (node && typeof node === 'object') for (const v of Object.values(node)) walk(v);
  };
  walk(template);
  return [...keys].sort();
}

/** What a deployed template needs in the artifacts bucket: its bundles and configuration objects. */
export function artifactKeysOf(template: unknown): string[] {
  return [...bundleKeysOf(template), ...configKeysOf(template)].sort();
}

/**
 * Uploads the configuration objects `keys` names from their local copies (`dist/<key>`, written by npm run
 * generate), skipping those already there (keys are content hashes). A local copy that is missing or whose
 * SHA-256 is not the one its key names is refused: the functions would refuse it too.
 */
export async function uploadConfigObjects(
  keys: readonly string[],
  bucket: string,
  s3: S3Sender,
  readLocal: (key: string) => string | undefined,
): Promise<string[]> {
  const lines: string[] = [];
  for (const key of keys) {
    const body = readLocal(key);
    const path = configObjectPath(key);
    if (body === undefined) {
      throw new Error(
        `the template names configuration object ${key}, but ${path} does not exist: run npm run generate`,
      );
    }
    const sha = sha256Hex(body);
    if (sha !== configObjectSha256(key)) {
      throw new Error(
        `${path} hashes to ${sha}, not to the SHA-256 its name gives: it was edited after npm run generate; run npm run generate -- --force`,
      );
    }
    const uploaded = await putUnlessPresent(s3, bucket, key, () => ({
      Body: body,
      ContentType: 'application/json',
    }));
    lines.push(
      uploaded
        ? `config ${key}: uploaded to s3://${bucket}/${key} (${Buffer.byteLength(body)} bytes)`
        : `config ${key}: already uploaded`,
    );
  }
  return lines;
}
