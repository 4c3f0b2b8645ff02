/**
 * The drift gate before an update: drift detection on the live stack (the drift engine of `npm run drift`),
 * and a refusal listing every drifted property with its live value and the value this deploy would set, unless
 * the drift ignore file covers it or the operator passed an explicit override (which the output records).
 */
import { API_RATE_LIMITS } from '../../contracts/limits.js';
import { type DriftDeps, runDrift } from '../../lib/drift/engine.js';
import type { IgnoreRule } from '../drift/ignore.js';

export interface DriftCheckResult {
  /** True when the update may go ahead. */
  readonly ok: boolean;
  readonly lines: readonly string[];
}

type Template = { Resources?: Record<string, { Type?: string; Properties?: unknown }> };

/** The drift engine's own default per stack: 5 minutes. */
export const BASE_DRIFT_TIMEOUT_MS = 300_000;
/**
 * SES calls CloudFormation makes per email identity during drift detection: the read handler of
 * `AWS::SES::EmailIdentity` calls `ses:GetEmailIdentity` and `ses:ListTagsForResource` (its resource schema).
 */
const SES_READS_PER_IDENTITY = 2;

/**
 * How long the gate waits for drift detection of `template`'s stack. CloudFormation reads every SES identity
 * through SES's one request a second for its actions other than sending (API_RATE_LIMITS.sesApi, shared with
 * the BYODKIM functions), so an identity stack of 450 domains needs about 15 minutes more than the engine's 5:
 * the wait is 5 minutes plus the SES reads at that rate. A timeout the caller passes still wins. The weekly
 * drift function keeps its own per-stack timeout (its Lambda runs 15 minutes at most).
 */
export function driftTimeoutFor(template: Template): number {
  const identities = Object.values(template.Resources ?? {}).filter(
    (r) => r.Type === 'AWS::SES::EmailIdentity',
  ).length;
  const perSecond = API_RATE_LIMITS.sesApi.quotaPerSecond;
  return BASE_DRIFT_TIMEOUT_MS + Math.ceil((identities * SES_READS_PER_IDENTITY * 1000) / perSecond);
}

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
      timeoutMs: options.timeoutMs ?? driftTimeoutFor(template),
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
