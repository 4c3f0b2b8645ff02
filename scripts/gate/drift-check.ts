/**
 * The drift gate before an update: drift detection on the live stack (the drift engine of `npm run drift`),
 * and a refusal listing every drifted property with its live value and the value this deploy would set, unless
 * the drift ignore file covers it or the operator passed an explicit override (which the output records).
 */
import { type DriftDeps, runDrift } from '../../lib/drift/engine.js';
import type { IgnoreRule } from '../drift/ignore.js';

export interface DriftCheckResult {
  /** True when the update may go ahead. */
  readonly ok: boolean;
  readonly lines: readonly string[];
}

type Template = { Resources?: Record<string, { Type?: string; Properties?: unknown }> };

/** The value at a drift PropertyPath (`/Threshold`, `/Tags/1/Value`) in the new template's resource properties. */
export function valueAtPath(template: Template, logicalId: string, path: string): unknown {
  let node: unknown = template.Resources?.[logicalId]?.Properties;
  for (const raw of path.split('/').filter(Boolean)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Drift check of one stack before `update`; `override` is the operator's explicit DEPLOY_ALLOW_DRIFT. */
export async function driftCheck(
  stack: { readonly name: string; readonly stackName: string },
  template: Template,
  deps: DriftDeps,
  options: {
    readonly ignore: readonly IgnoreRule[];
    readonly override: boolean;
    readonly timeoutMs?: number;
  },
): Promise<DriftCheckResult> {
  const report = await runDrift(
    [{ name: stack.name, stackName: stack.stackName }],
    { env: '', region: '' },
    deps,
    {
      ignore: options.ignore,
      concurrency: 1,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    },
  );
  const s = report.stacks[0];
  if (!s) throw new Error('drift engine returned no stack');
  const how = `DEPLOY_ALLOW_DRIFT=${stack.name}`;
  // a stack the update names but CloudFormation does not have: its drift is as unknown as after an error
  if (s.outcome === 'ERROR' || s.outcome === 'NOT_DEPLOYED') {
    const why = s.errors.map((e) => e.message).join('; ');
    return options.override
      ? {
          ok: true,
          lines: [
            `drift: could not check ${stack.stackName} (${why}); OVERRIDE ${how} given by the operator: updating anyway`,
          ],
        }
      : {
          ok: false,
          lines: [
            `drift: could not check ${stack.stackName} (${why}); refusing to update a stack whose drift is unknown`,
            `  to update anyway, re-run with ${how} (recorded in the output)`,
          ],
        };
  }
  const ignored = s.ignored.map(
    (r) => `drift: ignored ${r.logicalId} (${r.type}): ${r.ignoredBecause ?? 'drift-ignore.yaml'}`,
  );
  if (s.outcome === 'IN_SYNC') return { ok: true, lines: [`drift: ${stack.stackName} in sync`, ...ignored] };
  const drifted: string[] = [];
  for (const r of s.drifts) {
    if (r.status === 'DELETED') {
      drifted.push(`  - ${r.logicalId} (${r.type}): DELETED outside CloudFormation`);
      continue;
    }
    for (const d of r.differences) {
      if (d.ignoredBecause) continue;
      const next = valueAtPath(template, r.logicalId, d.path);
      drifted.push(
        `  - ${r.logicalId} (${r.type}) ${d.path}: live ${d.actual || '(none)'}, deployed ${d.expected || '(none)'}; ` +
          `this deploy would set ${next === undefined ? '(not set by the template)' : show(next)}`,
      );
    }
  }
  const head = `drift: ${stack.stackName} has drifted (${drifted.length} propert${drifted.length === 1 ? 'y' : 'ies'}):`;
  if (options.override) {
    return {
      ok: true,
      lines: [
        head,
        ...drifted,
        `drift: OVERRIDE ${how} given by the operator: these values are overwritten`,
        ...ignored,
      ],
    };
  }
  return {
    ok: false,
    lines: [
      head,
      ...drifted,
      `refusing to update ${stack.stackName}: fold the change into environments/*.yaml, or re-run with ${how} to overwrite it`,
      '  (recorded in the output), or add it to drift-ignore.yaml with a reason',
      ...ignored,
    ],
  };
}
