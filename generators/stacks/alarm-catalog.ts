/**
 * The alarm tiers of seed 3.2.1-3.2.4 and where each lives. The seed names go to the matching tiers; the other
 * tiers are named `<seed name>-p2|-p3` (or `-p1`). This table is the single source for the README's tier table.
 */

import { METRICS } from '../../contracts/metrics.js';
import { names } from '../../contracts/names.js';
import type { Severity } from '../../contracts/severity.js';
import type { EnvConfig } from '../config/schema.js';
import type { CfnResource } from '../lib/cfn.js';
import { alarm, guardedRate } from '../lib/resources.js';
import type { StackContext } from '../lib/template.js';

export type Family = 'bounceRate' | 'complaintRate' | 'sendSuccessRate' | 'applicationErrors';

export interface TierAlarm {
  readonly family: Family;
  readonly severity: Severity;
  readonly name: string;
  readonly stack: 'ses' | 'monitoring';
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /** How the value is measured, for the README. */
  readonly source: string;
}

const SEED_NAME: Record<Family, { severity: Severity; suffix: string }> = {
  bounceRate: { severity: 'P1', suffix: 'bounce-rate-alarm' },
  complaintRate: { severity: 'P1', suffix: 'complaint-rate-alarm' },
  sendSuccessRate: { severity: 'P1', suffix: 'ses-send-failure' },
  applicationErrors: { severity: 'P3', suffix: 'application-errors' },
};

const BASE_SUFFIX: Record<Family, string> = {
  bounceRate: 'bounce-rate',
  complaintRate: 'complaint-rate',
  sendSuccessRate: 'ses-send-failure',
  applicationErrors: 'application-errors',
};

function source(family: Family, severity: Severity): string {
  switch (family) {
    case 'bounceRate':
      return `metric math 100 × Bounce / Send (AWS/SES, 5 min), 0 below the minimum send volume${
        severity === 'P1'
          ? '; also `-bounce-reputation` on AWS/SES Reputation.BounceRate (15 min, fraction)'
          : ''
      }`;
    case 'complaintRate':
      return `metric math 100 × Complaint / Send (AWS/SES, 5 min), 0 below the minimum send volume${
        severity === 'P1'
          ? '; also `-complaint-reputation` on AWS/SES Reputation.ComplaintRate (15 min, fraction)'
          : ''
      }`;
    case 'sendSuccessRate':
      return 'SendSuccessRate (custom, metrics function, 100 × Delivery / Send)';
    case 'applicationErrors':
      return 'ApplicationErrors (metric filter on the application log group)';
  }
}

/** Every tier alarm of an environment, seed names first. */
export function tierAlarms(cfg: EnvConfig): TierAlarm[] {
  const n = names(cfg);
  const families: Family[] = ['bounceRate', 'complaintRate', 'sendSuccessRate', 'applicationErrors'];
  return families.flatMap((family) =>
    (['P1', 'P2', 'P3'] as const).map((severity) => {
      const seed = SEED_NAME[family];
      const suffix =
        seed.severity === severity ? seed.suffix : `${BASE_SUFFIX[family]}-${severity.toLowerCase()}`;
      const t = cfg.alarms[family][severity];
      return {
        family,
        severity,
        name: n.alarm(suffix),
        stack:
          (family === 'bounceRate' || family === 'complaintRate') && severity === 'P1' ? 'ses' : 'monitoring',
        threshold: t.threshold,
        evaluationPeriods: t.evaluationPeriods,
        source: source(family, severity),
      } satisfies TierAlarm;
    }),
  );
}

/**
 * A bounce or complaint rate tier alarm: 100 × Bounce (or Complaint) / Send of AWS/SES over one period, no
 * datapoint while fewer than the configured minimum were sent (missing is not breaching).
 */
export function sesRateTierAlarm(
  ctx: StackContext,
  t: TierAlarm & { readonly family: 'bounceRate' | 'complaintRate' },
  description: string,
  period: number,
): CfnResource {
  const bounce = t.family === 'bounceRate';
  return alarm(ctx, {
    name: t.name,
    severity: t.severity,
    description,
    threshold: t.threshold,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: t.evaluationPeriods,
    treatMissingData: 'notBreaching',
    metrics: guardedRate({
      namespace: METRICS.sesSend.namespace,
      numerator: bounce ? METRICS.sesBounce.name : METRICS.sesComplaint.name,
      denominator: METRICS.sesSend.name,
      period,
      minimum: ctx.cfg.alarms.minimumSendVolume,
      label: bounce ? 'BounceRatePercent' : 'ComplaintRatePercent',
    }),
  });
}

/** A worst-domain tier: the account-wide tier's threshold and periods, on the worst rated domain's rate. */
export interface WorstDomainAlarm {
  readonly family: 'bounceRate' | 'complaintRate';
  readonly severity: Severity;
  readonly name: string;
  readonly metric: string;
  readonly threshold: number;
  readonly evaluationPeriods: number;
}

/**
 * Per-domain detection (issue #14, item 4): for each bounce/complaint tier, an alarm on the worst domain's rate
 * of the same 5-minute period (metrics function, one Logs Insights query per run; only domains with at least
 * `alarms.minimumSendVolume` sends count). Named `<prefix>-worst-domain-bounce-rate-p1` etc.
 */
export function worstDomainAlarms(cfg: EnvConfig): WorstDomainAlarm[] {
  const n = names(cfg);
  return (['bounceRate', 'complaintRate'] as const).flatMap((family) =>
    (['P1', 'P2', 'P3'] as const).map((severity) => ({
      family,
      severity,
      name: n.alarm(`worst-domain-${BASE_SUFFIX[family]}-${severity.toLowerCase()}`),
      metric:
        family === 'bounceRate' ? METRICS.worstDomainBounceRate.name : METRICS.worstDomainComplaintRate.name,
      threshold: cfg.alarms[family][severity].threshold,
      evaluationPeriods: cfg.alarms[family][severity].evaluationPeriods,
    })),
  );
}
