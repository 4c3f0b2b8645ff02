/**
 * The local copies of the configuration objects (contracts/artifacts.ts): `dist/config/<env>/<name>/<sha256>.json`,
 * the bytes the deploy gate uploads to the same key in the artifacts bucket. Content-addressed, so a file is
 * written once (to a temporary name, then renamed: never half-written) and never changed; the ones no generated
 * template names any more are removed after the templates are swapped in.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ARTIFACT_PREFIXES, configObjectPath, sha256Hex } from '../../contracts/artifacts.js';
import { listFiles } from './fs-atomic.js';

/** Writes every object that is not already there with the same bytes; returns the keys written. */
export function writeConfigObjects(
  objects: ReadonlyMap<string, string>,
  root = '.',
): { written: string[]; unchanged: number } {
  const written: string[] = [];
  let unchanged = 0;
  for (const [key, body] of objects) {
    const path = join(root, configObjectPath(key));
    if (!key.endsWith(`/${sha256Hex(body)}.json`))
      throw new Error(`${key} does not name the SHA-256 of its body`);
    if (existsSync(path) && readFileSync(path, 'utf8') === body) {
      unchanged += 1;
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, body);
    renameSync(tmp, path);
    written.push(key);
  }
  return { written, unchanged };
}

/** Removes the local copies no current template names (the bucket keeps its own until the gate expires them). */
export function pruneConfigObjects(objects: ReadonlyMap<string, string>, root = '.'): string[] {
  const dir = join(root, configObjectPath(ARTIFACT_PREFIXES.config));
  const keep = new Set([...objects.keys()].map((k) => join(root, configObjectPath(k))));
  const removed: string[] = [];
  for (const file of listFiles(dir).map((f) => join(dir, f))) {
    if (keep.has(file)) continue;
    rmSync(file, { force: true });
    removed.push(relative(root, file));
  }
  return removed;
}
