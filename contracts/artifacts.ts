/**
 * The artifacts bucket's hygiene contract between the generator (lifecycle rule) and the deploy gate (cleanup):
 * the gate tags every object that no deployed stack needs any more, and the bucket's lifecycle rule expires
 * objects carrying the tag after `artifacts.unreferencedExpirationDays`. An age rule alone would expire a bundle
 * a stack still runs (bundles are content-addressed and can stay unchanged for years).
 */
import { createHash } from 'node:crypto';

export const UNREFERENCED_TAG = { Key: 'ses-migration-unreferenced', Value: 'true' } as const;

/**
 * Key prefixes in the artifacts bucket: Lambda bundles, configuration objects (per-domain data the functions read
 * at cold start, written by `npm run generate`), templates Sceptre uploads, and the gate's records.
 */
export const ARTIFACT_PREFIXES = {
  bundles: 'handlers/',
  config: 'config/',
  templates: 'templates/',
  state: 'deploy-state/',
} as const;

/**
 * A configuration object: `config/<sceptre environment>/<name>/<sha256 of the body>.json`. Content-addressed like
 * the bundles: changing the data changes the key, so the template (which names the key) changes with it, the
 * functions cold-start on the new object, and a rollback finds the old one. The local copy `npm run generate`
 * writes is `dist/<key>` ({@link configObjectPath}).
 */
export const CONFIG_OBJECT_KEY =
  /^config\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/([a-z0-9-]{1,64})\/([0-9a-f]{64})\.json$/;

export function configObjectKey(sceptreEnv: string, name: string, sha256: string): string {
  const key = `${ARTIFACT_PREFIXES.config}${sceptreEnv}/${name}/${sha256}.json`;
  if (!CONFIG_OBJECT_KEY.test(key)) throw new Error(`invalid configuration object key ${key}`);
  return key;
}

/**
 * The key prefix of every version of one configuration object (`config/<env>/<name>/`). A function's role may read
 * this prefix rather than the one key: during a stack update CloudFormation changes the role before the function,
 * and a cold start in between (old key, new policy) must not fail. Other names and environments stay out.
 */
export function configObjectPrefix(key: string): string {
  const m = CONFIG_OBJECT_KEY.exec(key);
  if (!m) throw new Error(`invalid configuration object key ${key}`);
  return `${ARTIFACT_PREFIXES.config}${m[1]}/${m[2]}/`;
}

/** Where `npm run generate` leaves a configuration object for the deploy gate to upload (relative to the repository). */
export const configObjectPath = (key: string): string => `dist/${key}`;

/** The SHA-256 a configuration object key names, or undefined when `key` is not one. */
export function configObjectSha256(key: string): string | undefined {
  return CONFIG_OBJECT_KEY.exec(key)?.[3];
}

/** Lifecycle rule id of the tag-based expiry. */
export const UNREFERENCED_RULE_ID = 'expire-unreferenced-artifacts';

/** Hex SHA-256 of a configuration object's UTF-8 body (the last part of its key). */
export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * Refuses a configuration object whose bytes do not hash to the SHA-256 its key names (changed or damaged after
 * upload): a function never half-uses one. `where` names it in the error (`s3://<bucket>/<key>`); `stack` is the
 * stack whose deploy uploads it again.
 */
export function verifyConfigObject(
  key: string,
  body: string,
  fail: (message: string) => Error,
  where: string,
  stack: string,
): void {
  const expected = configObjectSha256(key);
  if (!expected)
    throw fail(
      `${where}: ${JSON.stringify(key)} is not a configuration object key (config/<env>/<name>/<sha256>.json)`,
    );
  const actual = sha256Hex(body);
  if (actual !== expected) {
    throw fail(
      `${where}: the object's SHA-256 is ${actual} (${Buffer.byteLength(body)} bytes) but its key names ${expected}: ` +
        `the object was changed or damaged after upload; delete it and deploy the ${stack} stack again (the deploy gate uploads it from dist/)`,
    );
  }
}
