/** Renders the real environment files with fake bundle hashes, for template assertions. */
import { readFileSync } from 'node:fs';
import { parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { generateAll } from '../../generators/generate.js';
import type { HandlerBundle } from '../../generators/lib/template.js';
import { STACKS } from '../../generators/stacks/index.js';

// biome-ignore lint/suspicious/noExplicitAny: templates are arbitrary JSON
export type Json = any;

export function loadEnv(name: 'prod' | 'dev'): EnvConfig {
  const file = `environments/${name}.yaml`;
  return parseEnvConfig(file, readFileSync(file, 'utf8'));
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
