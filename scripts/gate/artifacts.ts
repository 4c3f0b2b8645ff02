/**
 * The artifacts bucket around a deploy:
 * - `recordDeployed`: after each create/update, `deploy-state/<stack>.json` keeps the bundle and configuration
 *   object keys of the stack's deployed template (current) and those of the one before it (previous, what a
 *   rollback needs).
 * - `markUnreferenced`: tags every bundle and configuration object (`config/`) no stack's current or previous
 *   template names, and every uploaded
 *   template (CloudFormation keeps its own copy once the create/update is done), with {@link UNREFERENCED_TAG};
 *   removes the tag from an object that is needed again. The lifecycle rule expires tagged objects.
 * - `emptyBucket`: deletes every object version and delete marker (a dev stack deletion; S3 refuses to delete a
 *   bucket that is not empty, versions included).
 */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type Tag,
} from '@aws-sdk/client-s3';
import { ARTIFACT_PREFIXES, UNREFERENCED_TAG } from '../../contracts/artifacts.js';
import { listKeys } from '../../lib/aws/s3-keys.js';
import { errorName } from '../../lib/errors.js';
import type { S3Sender } from './bundles.js';

export interface DeployRecord {
  readonly current: readonly string[];
  readonly previous: readonly string[];
  /** Keys uploaded for a create or update still in progress (a parallel stack's cleanup must not mark them). */
  readonly pending?: readonly string[];
}

const stateKey = (stackName: string) => `${ARTIFACT_PREFIXES.state}${stackName}.json`;

async function readRecord(s3: S3Sender, bucket: string, key: string): Promise<DeployRecord | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await out.Body.transformToString();
    const parsed = JSON.parse(text) as Partial<DeployRecord>;
    return { current: parsed.current ?? [], previous: parsed.previous ?? [], pending: parsed.pending ?? [] };
  } catch (error) {
    if (['NoSuchKey', 'NotFound'].includes(errorName(error))) return undefined;
    throw error;
  }
}

async function writeRecord(
  s3: S3Sender,
  bucket: string,
  stackName: string,
  record: DeployRecord,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: stateKey(stackName),
      Body: `${JSON.stringify(record, null, 1)}\n`,
      ContentType: 'application/json',
    }),
  );
}

/** Before a create or update: the keys it is about to deploy count as needed until it is done. */
export async function recordPending(
  s3: S3Sender,
  bucket: string,
  stackName: string,
  keys: readonly string[],
) {
  const old = await readRecord(s3, bucket, stateKey(stackName));
  await writeRecord(s3, bucket, stackName, {
    current: old?.current ?? [],
    previous: old?.previous ?? [],
    pending: [...keys],
  });
}

/** Records the keys the stack's deployed template names; the record it replaces becomes `previous`. */
export async function recordDeployed(
  s3: S3Sender,
  bucket: string,
  stackName: string,
  keys: readonly string[],
): Promise<DeployRecord> {
  const old = await readRecord(s3, bucket, stateKey(stackName));
  const same = old && old.current.join('\n') === keys.join('\n');
  const record: DeployRecord = { current: [...keys], previous: same ? old.previous : (old?.current ?? []) };
  await writeRecord(s3, bucket, stackName, record);
  return record;
}

/** Which objects to tag and untag, given every key and the keys still needed (pure). */
export function classify(
  bundles: readonly string[],
  templates: readonly string[],
  needed: ReadonlySet<string>,
): { unreferenced: string[]; referenced: string[] } {
  const unreferenced = [...bundles.filter((k) => !needed.has(k)), ...templates];
  const referenced = bundles.filter((k) => needed.has(k));
  return { unreferenced, referenced };
}

/** Tags what no deployed stack needs; returns one line per change. Tags of other keys are kept. */
export async function markUnreferenced(s3: S3Sender, bucket: string): Promise<string[]> {
  const needed = new Set<string>();
  for (const key of await listKeys(s3, bucket, ARTIFACT_PREFIXES.state)) {
    const record = await readRecord(s3, bucket, key);
    for (const k of [...(record?.current ?? []), ...(record?.previous ?? []), ...(record?.pending ?? [])])
      needed.add(k);
  }
  // Configuration objects are kept and expired exactly like bundles: needed while a deployed template names them.
  const { unreferenced, referenced } = classify(
    [
      ...(await listKeys(s3, bucket, ARTIFACT_PREFIXES.bundles)),
      ...(await listKeys(s3, bucket, ARTIFACT_PREFIXES.config)),
    ],
    await listKeys(s3, bucket, ARTIFACT_PREFIXES.templates),
    needed,
  );
  const lines: string[] = [];
  const isMark = (t: Tag) => t.Key === UNREFERENCED_TAG.Key;
  for (const key of [...unreferenced, ...referenced]) {
    const mark = unreferenced.includes(key);
    const tags: Tag[] =
      (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet ?? [];
    if (tags.some(isMark) === mark) continue;
    const next = mark ? [...tags, { ...UNREFERENCED_TAG }] : tags.filter((t) => !isMark(t));
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: next } }));
    lines.push(`artifacts: ${mark ? 'marked unreferenced' : 'needed again, mark removed'}: ${key}`);
  }
  return lines;
}

/** Deletes every version and delete marker in the bucket; returns how many were deleted. */
export async function emptyBucket(s3: S3Sender, bucket: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  for (;;) {
    const out = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(versionMarker ? { VersionIdMarker: versionMarker } : {}),
      }),
    );
    const objects = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])]
      .filter((v) => v.Key)
      .map((v) => ({ Key: v.Key as string, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      const res = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      if (res.Errors?.length) {
        const e = res.Errors[0];
        throw new Error(
          `emptying s3://${bucket}: ${e?.Key} ${e?.VersionId ?? ''}: ${e?.Code} ${e?.Message ?? ''}`,
        );
      }
      deleted += batch.length;
    }
    if (!out.IsTruncated) return deleted;
    keyMarker = out.NextKeyMarker;
    versionMarker = out.NextVersionIdMarker;
  }
}
