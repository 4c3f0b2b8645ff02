/** Renders the fixture environment files with fake bundle hashes, for template assertions. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { generateAll } from '../../generators/generate.js';
import type { HandlerBundle } from '../../generators/lib/template.js';
import { STACKS } from '../../generators/stacks/index.js';
import { replaceDirectories } from '../../scripts/lib/fs-atomic.js';

// biome-ignore lint/suspicious/noExplicitAny: templates are arbitrary JSON
export type Json = any;

/** Named fixture configs (copies of the operator's files as of the tiering), not environments/ itself. */
export const FIXTURE_ENV_DIR = 'test/fixtures/environments';

export function loadEnv(name: 'prod' | 'dev'): EnvConfig {
  const file = `${FIXTURE_ENV_DIR}/${name}.yaml`;
  return parseEnvConfig(file, readFileSync(file, 'utf8'));
}

let sceptreDir: string | undefined;
/**
 * A Sceptre project (config/ and templates/) generated from the fixture configs with fake bundle hashes, once
 * per test process, in a temporary directory removed at exit. Replaces a frozen copy that drifted from the
 * generator (it lacked the byodkim stack).
 */
export function generatedSceptreDir(): string {
  if (sceptreDir) return sceptreDir;
  const dir = mkdtempSync(join(tmpdir(), 'sceptre-fixture-'));
  replaceDirectories(
    dir,
    ['templates', 'config'],
    generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles()).files,
  );
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  sceptreDir = dir;
  return dir;
}

export function fakeBundles(): Map<string, HandlerBundle> {
  const names = STACKS.flatMap((s) => s.handlers ?? []);
  return new Map(
    names.map((n) => [n, { key: `handlers/${n}/${'0'.repeat(64)}.zip`, sha256: '0'.repeat(64) }]),
  );
}

export function templates(env: 'prod' | 'dev' = 'prod'): Record<string, Json> {
  const { files } = generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles());
  const out: Record<string, Json> = {};
  for (const [path, body] of files) {
    const m = path.match(new RegExp(`^templates/${env}/(.+)\\.json$`));
    if (m) out[m[1]!] = JSON.parse(body);
  }
  return out;
}

/** The configuration objects (artifacts-bucket key -> body) generated for the prod and dev fixtures. */
export function configObjects(): ReadonlyMap<string, string> {
  return generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles()).configObjects;
}

/** Resources of a type across the given templates, keyed "<stack>/<logicalId>". */
export function resourcesOfType(tpls: Record<string, Json>, type: string): [string, Json][] {
  return Object.entries(tpls).flatMap(([stack, t]) =>
    Object.entries(t.Resources as Record<string, Json>)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [`${stack}/${id}`, r] as [string, Json]),
  );
}

export function alarmsByName(tpls: Record<string, Json>): Map<string, Json & { stack: string }> {
  const map = new Map();
  for (const [key, r] of [
    ...resourcesOfType(tpls, 'AWS::CloudWatch::Alarm'),
    ...resourcesOfType(tpls, 'AWS::CloudWatch::CompositeAlarm'),
  ]) {
    map.set(r.Properties.AlarmName, { ...r, stack: key.split('/')[0] });
  }
  return map;
}
