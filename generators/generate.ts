/**
 * The whole generator as one pure function: validated environments (+ handler bundle hashes) in, the files of
 * the Sceptre project out (paths relative to sceptre/). Deterministic: same input, same bytes.
 */
import { INLINE_TEMPLATE_LIMIT } from '../contracts/limits.js';
import type { EnvConfig } from './config/schema.js';
import { checkTemplateLimits, describeLimitProblem } from './lib/limits-check.js';
import { checkReferences } from './lib/references.js';
import { alarmsOf, type HandlerBundle, type RenderedStack, renderStack } from './lib/template.js';
import { envConfig, projectConfig, stackConfig } from './sceptre.js';
import { stacksFor } from './stacks/index.js';

export interface GenerateResult {
  readonly files: ReadonlyMap<string, string>;
  /**
   * Configuration objects of every environment: artifacts-bucket key (`config/<env>/<name>/<sha256>.json`) ->
   * body. Written to dist/<key> by `npm run generate`; the deploy gate uploads the ones a template names.
   */
  readonly configObjects: ReadonlyMap<string, string>;
  readonly stacks: ReadonlyMap<string, readonly RenderedStack[]>;
}

/** Template JSON, indented for readers (1 space keeps the files small). */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}

/** Does Sceptre have to upload this template to S3 instead of sending it inline? */
export function needsTemplateBucket(body: string): boolean {
  return Buffer.byteLength(body) > INLINE_TEMPLATE_LIMIT;
}

/** The Sceptre hooks of a stack: the deploy gate (scripts/gate/core.ts) around each create, update and delete. */
export function gateHooks(env: string, stack: string): Record<string, string> {
  // Sceptre runs hooks in the caller's directory: the repository root or sceptre/.
  const gate = (action: string) =>
    `[ -f scripts/run.mjs ] || cd ..; node scripts/run.mjs scripts/gate.ts ${env} ${stack} ${action}`;
  return Object.fromEntries(
    ['before_create', 'before_update', 'after_create', 'after_update', 'before_delete'].map((h) => [
      h,
      gate(h.replace('_', '-')),
    ]),
  );
}

/** Generated templates would exceed AWS limits: one line per limit, stack and resource. */
export class LimitsError extends Error {
  override readonly name = 'LimitsError';
  constructor(readonly lines: readonly string[]) {
    super(`the templates would exceed AWS limits:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
}

export function generateAll(
  cfgs: readonly EnvConfig[],
  bundles: ReadonlyMap<string, HandlerBundle> = new Map(),
  /** `checkLimits: false` only for estimates of what-if configurations (npm run cost), never for output. */
  options: { readonly checkLimits?: boolean } = {},
): GenerateResult {
  const files = new Map<string, string>();
  const stacks = new Map<string, readonly RenderedStack[]>();
  const configObjects = new Map<string, string>();
  files.set('config/config.yaml', projectConfig(cfgs));
  for (const cfg of [...cfgs].sort((a, b) => a.sceptreEnv.localeCompare(b.sceptreEnv))) {
    // Two passes: the dashboards list every alarm of every stack, known only once all are rendered.
    const first = stacksFor(cfg).map((def) => renderStack(def, cfg, bundles));
    const alarms = first.flatMap(alarmsOf).sort((a, b) => a.name.localeCompare(b.name));
    const rendered = first.map((r) =>
      r.definition.showsEnvironmentAlarms ? renderStack(r.definition, cfg, bundles, alarms) : r,
    );
    checkReferences(cfg.source, rendered);
    stacks.set(cfg.sceptreEnv, rendered);
    for (const r of rendered) for (const [key, body] of r.configObjects) configObjects.set(key, body);
    const bodies = rendered.map((r) => renderJson(r.template));
    // AWS limits (contracts/limits.ts): refuse here, not halfway through a CloudFormation deploy.
    const overLimit = rendered.flatMap((r, i) =>
      checkTemplateLimits(r.definition.id, r.template, bodies[i]!),
    );
    if (overLimit.length > 0 && options.checkLimits !== false) {
      throw new LimitsError(overLimit.map((p) => describeLimitProblem(cfg.source, p)));
    }
    for (const [i, r] of rendered.entries()) {
      const body = bodies[i]!;
      // Larger templates go through the base stack's artifacts bucket (Sceptre uploads them first).
      const bucket = needsTemplateBucket(body);
      if (bucket && r.definition.id === 'base') {
        throw new Error(
          `${cfg.source}: the base stack template exceeds ${INLINE_TEMPLATE_LIMIT} bytes: it holds the bucket`,
        );
      }
      files.set(`templates/${cfg.sceptreEnv}/${r.definition.id}.json`, body);
      // Every stack action of every command (deploy, sceptre launch/create/update/delete) runs the gate.
      const hooks = gateHooks(cfg.sceptreEnv, r.definition.id);
      files.set(`config/${cfg.sceptreEnv}/${r.definition.id}.yaml`, stackConfig(cfg, r, hooks, bucket));
    }
    files.set(`config/${cfg.sceptreEnv}/config.yaml`, envConfig(cfg));
  }
  return { files, stacks, configObjects: new Map([...configObjects].sort(([a], [b]) => a.localeCompare(b))) };
}
