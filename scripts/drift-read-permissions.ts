/**
 * Refreshes generators/data/drift-read-permissions.json: for every CloudFormation resource type the stacks
 * use (any environment or fixture), the permissions its read handler needs, from the resource provider
 * schemas that the pinned cfn-lint ships (cfnlint/data/schemas, Tokyo), plus which of those actions take no
 * resource ARN (IAM service reference, through @cloud-copilot/iam-simulate's data). Generation reads only the
 * committed JSON; this script (and the e2e test that compares) needs `uv sync`.
 *
 *   npm run drift:permissions            write the snapshot
 *   npm run drift:permissions -- --check exit 1 if the snapshot differs from what cfn-lint ships
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { parseEnvConfig } from '../generators/config/load.js';
import type { EnvConfig } from '../generators/config/schema.js';
import { renderStack } from '../generators/lib/template.js';
import { STACKS } from '../generators/stacks/index.js';
import { loadEnvironments } from './lib/environments.js';

export const SNAPSHOT = 'generators/data/drift-read-permissions.json';
/** Fixture environments that switch on optional resources (GitHub OIDC provider, ...). */
const FIXTURES = ['test/fixtures/environments/access-prod.yaml'];

export interface DriftReadSnapshot {
  readonly source: string;
  /** Type → read-handler permissions, as the schema lists them (sorted). */
  readonly types: Record<string, string[]>;
  /** Actions of `types` that support no resource-level permission (Resource must be "*"). */
  readonly wildcardOnly: string[];
}

/** Every resource type any stack renders for the given environments. */
export function resourceTypes(cfgs: readonly EnvConfig[]): string[] {
  const types = new Set<string>();
  for (const cfg of cfgs) {
    for (const def of STACKS) {
      const bundles = new Map(
        (def.handlers ?? []).map((h) => [
          h,
          { key: `handlers/${h}/${'0'.repeat(64)}.zip`, sha256: '0'.repeat(64) },
        ]),
      );
      const { template } = renderStack(def, cfg, bundles);
      for (const r of Object.values(template.Resources as Record<string, { Type: string }>))
        types.add(r.Type);
    }
  }
  return [...types].sort();
}

export function allConfigs(): EnvConfig[] {
  return [...loadEnvironments(), ...FIXTURES.map((f) => parseEnvConfig(f, readFileSync(f, 'utf8')))];
}

/** Where the pinned cfn-lint keeps its schemas, and its version (asks the uv environment's Python). */
function cfnLint(): { dir: string; version: string } {
  const out = execFileSync(
    'uv',
    [
      'run',
      '--frozen',
      'python',
      '-c',
      'import cfnlint, os, importlib.metadata as m; print(os.path.dirname(cfnlint.__file__)); print(m.version("cfn-lint"))',
    ],
    { encoding: 'utf8' },
  ).trim();
  const [dir, version] = out.split('\n').slice(-2);
  return { dir: join(dir!, 'data', 'schemas'), version: version! };
}

export async function buildSnapshot(types: readonly string[]): Promise<DriftReadSnapshot> {
  const { dir, version } = cfnLint();
  const provider = JSON.parse(readFileSync(join(dir, 'providers', 'ap-northeast-1.json'), 'utf8'));
  const out: Record<string, string[]> = {};
  for (const type of types) {
    const ref = provider[type];
    if (typeof ref !== 'string')
      throw new Error(`cfn-lint ${version} has no ap-northeast-1 schema for ${type}`);
    const schema = JSON.parse(readFileSync(join(dir, 'resources', `${ref}.json`), 'utf8'));
    out[type] = [...new Set<string>(schema.handlers?.read?.permissions ?? [])].sort();
  }
  const actions = [...new Set(Object.values(out).flat())].sort();
  const wildcardOnly: string[] = [];
  for (const a of actions) {
    const [service, action] = a.split(':') as [string, string];
    if (await isWildcardOnlyAction(service, action).catch(() => false)) wildcardOnly.push(a);
  }
  return {
    source: `cfn-lint ${version}: cfnlint/data/schemas (ap-northeast-1), handlers.read.permissions`,
    types: out,
    wildcardOnly,
  };
}

export function renderSnapshot(s: DriftReadSnapshot): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fresh = await buildSnapshot(resourceTypes(allConfigs()));
  if (check) {
    const current = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    if (JSON.stringify(current) !== JSON.stringify(fresh)) {
      process.stderr.write(
        `${SNAPSHOT} differs from the pinned cfn-lint's schemas: run npm run drift:permissions\n`,
      );
      process.exit(1);
    }
    process.stdout.write(`${SNAPSHOT} matches the pinned cfn-lint\n`);
    return;
  }
  writeFileSync(SNAPSHOT, renderSnapshot(fresh));
  // The repository's formatter owns the layout of committed JSON.
  execFileSync('npx', ['biome', 'format', '--write', SNAPSHOT], { stdio: 'ignore' });
  process.stdout.write(`wrote ${SNAPSHOT}\n`);
}

if (process.argv[1]?.includes('drift-read-permissions')) await main();
