/**
 * Scale (issue #14): generate with 1, 200 and 1,000 sending domains of 42 characters and report, per size, the
 * render time, the stacks, the largest stack by resources and by bytes, the AWS limits the templates would
 * exceed (generate refuses those), and the cost model's estimate at 1,000,000 sends a day.
 */

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseEnvConfig } from '../generators/config/load.js';
import { generateAll, renderJson } from '../generators/generate.js';
import { checkTemplateLimits } from '../generators/lib/limits-check.js';
import { STACKS } from '../generators/stacks/index.js';
import { estimate, total } from '../lib/cost/model.js';

const SIZES = [1, 200, 1000];

export async function run(): Promise<void> {
  const file = 'test/fixtures/environments/prod.yaml';
  const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
  const bundles = new Map(
    STACKS.flatMap((s) => s.handlers ?? []).map((h) => [
      h,
      { key: `handlers/${h}/${'0'.repeat(64)}.zip`, sha256: '' },
    ]),
  );
  let oneDomainCost = 0;
  console.log(
    'domains  render ms  stacks  max resources (stack)   max bytes (stack)        limits exceeded   cost/month @1M sends/day',
  );
  for (const n of SIZES) {
    // 42-character names, like the issue's measurement.
    const domains = Array.from({ length: n }, (_, i) => ({
      ...base.ses.domains[0]!,
      name: `mail${String(i).padStart(4, '0')}.tenant-platform.example-mail.co.jp`,
    }));
    const cfg = { ...base, ses: { ...base.ses, domains } };
    const t0 = performance.now();
    const { stacks } = generateAll([cfg], bundles, { checkLimits: false });
    const ms = performance.now() - t0;
    const rendered = stacks.get(cfg.sceptreEnv) ?? [];
    const sizes = rendered.map((r) => ({
      id: r.definition.id,
      resources: Object.keys(r.template.Resources as object).length,
      bytes: Buffer.byteLength(renderJson(r.template)),
      problems: checkTemplateLimits(r.definition.id, r.template, renderJson(r.template)),
    }));
    const byRes = sizes.reduce((a, b) => (b.resources > a.resources ? b : a));
    const byBytes = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const exceeded = new Set(sizes.flatMap((s) => s.problems.map((p) => p.limit.id)));
    const templates = Object.fromEntries(rendered.map((r) => [r.definition.id, r.template]));
    const cost = total(estimate(templates, { sendsPerDay: 1_000_000, domains: n }));
    if (n === 1) oneDomainCost = cost;
    console.log(
      `${String(n).padStart(7)}  ${ms.toFixed(0).padStart(9)}  ${String(sizes.length).padStart(6)}  ` +
        `${`${byRes.resources} (${byRes.id})`.padEnd(22)}  ${`${byBytes.bytes} (${byBytes.id})`.padEnd(23)}  ` +
        `${String(exceeded.size).padStart(15)}   $${cost.toFixed(2)} (${(cost / oneDomainCost).toFixed(1)}× 1 domain)`,
    );
  }
  console.log(
    '(generate refuses any size with a limit exceeded; see README "AWS limits checked by npm run generate")',
  );
}
