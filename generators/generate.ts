/**
 * The whole generator as one pure function: validated environments (+ handler bundle hashes) in, the files of
 * the Sceptre project out (paths relative to sceptre/). Deterministic: same input, same bytes.
 */
import type { EnvConfig } from './config/schema.js';
import { type HandlerBundle, type RenderedStack, renderStack } from './lib/template.js';
import { envConfig, projectConfig, stackConfig } from './sceptre.js';
import { STACKS } from './stacks/index.js';

/** Sceptre prepends 4 bytes; CloudFormation accepts at most 51,200 bytes of inline template body. */
export const INLINE_TEMPLATE_LIMIT = 51_200 - 4;

export interface GenerateResult {
  readonly files: ReadonlyMap<string, string>;
  readonly stacks: ReadonlyMap<string, readonly RenderedStack[]>;
}

/**
 * Template JSON: indented for readers when that fits CloudFormation's inline limit, else compact (the same
 * template, without whitespace). Either way deterministic.
 */
export function renderJson(value: unknown): string {
  const pretty = `${JSON.stringify(value, null, 1)}\n`;
  return Buffer.byteLength(pretty) <= INLINE_TEMPLATE_LIMIT ? pretty : `${JSON.stringify(value)}\n`;
}

export function generateAll(
  cfgs: readonly EnvConfig[],
  bundles: ReadonlyMap<string, HandlerBundle> = new Map(),
): GenerateResult {
  const files = new Map<string, string>();
  const stacks = new Map<string, readonly RenderedStack[]>();
  files.set('config/config.yaml', projectConfig(cfgs));
  for (const cfg of [...cfgs].sort((a, b) => a.sceptreEnv.localeCompare(b.sceptreEnv))) {
    const rendered = STACKS.map((def) => renderStack(def, cfg, bundles));
    stacks.set(cfg.sceptreEnv, rendered);
    const tooBig: string[] = [];
    for (const r of rendered) {
      const body = renderJson(r.template);
      if (Buffer.byteLength(body) > INLINE_TEMPLATE_LIMIT) tooBig.push(r.definition.id);
      files.set(`templates/${cfg.sceptreEnv}/${r.definition.id}.json`, body);
      const hooks = r.definition.handlers?.length
        ? [
            // Sceptre runs hooks in the caller's directory: the repository root or sceptre/.
            `[ -f scripts/run.mjs ] || cd ..; node scripts/run.mjs scripts/upload-bundles.ts ${cfg.sceptreEnv} ${r.definition.handlers.join(' ')}`,
          ]
        : [];
      files.set(`config/${cfg.sceptreEnv}/${r.definition.id}.yaml`, stackConfig(cfg, r, hooks));
    }
    if (tooBig.length) {
      throw new Error(
        `${cfg.source}: template(s) ${tooBig.join(', ')} exceed the ${INLINE_TEMPLATE_LIMIT}-byte inline limit: split the stack`,
      );
    }
    files.set(`config/${cfg.sceptreEnv}/config.yaml`, envConfig(cfg));
  }
  return { files, stacks };
}
