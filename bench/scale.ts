/**
 * Scale (issue #14): generate with 1, 200 and 1,000 sending domains of 42 characters and report, per size, the
 * render time, the stacks, the largest stack by resources and by bytes, the AWS limits the templates would
 * exceed (generate refuses those), and the cost model's estimate at 1,000,000 sends a day.
 */

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseEnvConfig } from '../generators/config/load.js';
import { renderJson } from '../generators/generate.js';
import { checkTemplateLimits } from '../generators/lib/limits-check.js';
import { estimate, total } from '../lib/cost/model.js';
import { environmentTemplates } from '../scripts/lib/cost-templates.js';

const SIZES = [1, 200, 1000];

export async function run(): Promise<void> {
  const file = 'test/fixtures/environments/prod.yaml';
  const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
  let oneDomainCost = 0;
  console.log(
    'domains  render ms  stacks  max resources (stack)   max bytes (stack)        limits exceeded   cost/month @1M sends/day',
  );
  for (const n of SIZES) {
    const t0 = performance.now();
    // 42-character names, like the issue's measurement; limits not enforced (generate refuses what exceeds them).
    const templates = environmentTemplates(
      base,
      n,
      (i) => `mail${String(i).padStart(4, '0')}.tenant-platform.example-mail.co.jp`,
    );
    const ms = performance.now() - t0;
    const sizes = Object.entries(templates).map(([id, template]) => {
      const body = renderJson(template);
      return {
        id,
        resources: Object.keys(template.Resources as object).length,
        bytes: Buffer.byteLength(body),
        problems: checkTemplateLimits(id, template, body),
      };
    });
    const byRes = sizes.reduce((a, b) => (b.resources > a.resources ? b : a));
    const byBytes = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const exceeded = new Set(sizes.flatMap((s) => s.problems.map((p) => p.limit.id)));
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
