/**
 * The sections of `npm run status` (seed 5.4.1 first response). Each reads what it can and says what it could
 * not: a section never throws, it returns `unavailable` with the reason, and the others still print.
 *
 * Over 400 lines: seven sections of about 60 lines each, independent of one another but sharing `guarded`,
 * `unreadable` and the context type; read one section at a time. Splitting into one file per section is the
 * next step when a section grows.
 */

import { DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import {
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
} from '@aws-sdk/client-scheduler';
import {
  GetAccountCommand,
  type GetAccountCommandOutput,
  GetEmailIdentityCommand,
} from '@aws-sdk/client-sesv2';
import { type AlarmEpisode, episodeLookupKey, episodeOf } from '../../contracts/alarm-episodes.js';
import { BYODKIM_ITEM, BYODKIM_STATE_KEY, decodeByodkimStateItem } from '../../contracts/byodkim-state.js';
import { METRICS, type MetricDef } from '../../contracts/metrics.js';
import { names, SCHEDULES, stackName } from '../../contracts/names.js';
import { SEVERITY_ORDER } from '../../contracts/severity.js';
import { DynamoEpisodeStore } from '../../lib/alarm-episodes/store.js';
import { describeError, errorName, isAccessDenied, isMissingStack } from '../../lib/errors.js';
import { nextRun } from './cron.js';

export interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: SDK commands of several shapes.
  send(command: any): Promise<any>;
}

export interface StatusClients {
  readonly cloudwatch: Sender;
  readonly sesv2: Sender;
  readonly cloudformation: Sender;
  readonly kms: Sender;
  readonly logs: Sender;
  readonly scheduler: Sender;
  readonly dynamodb: Sender;
  /** Only for --pii-access-days (CloudTrail Event history, trail files). */
  readonly cloudtrail?: Sender;
  readonly s3?: Sender;
}

export interface StatusContext {
  /** Sceptre environment (`prod`). */
  readonly env: string;
  /** Name in resource names (`production`). */
  readonly environment: string;
  readonly projectCode: string;
  readonly region: string;
  readonly domains: readonly string[];
  /** Where the domains came from, for the "nothing to show" message. */
  readonly domainsSource: string;
  readonly unmask: boolean;
  readonly sinceMinutes: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Longest wait for the Logs Insights query. @default 30000 */
  readonly queryTimeoutMs?: number;
}

export type SectionState = 'ok' | 'attention' | 'unavailable';

export interface Section {
  readonly title: string;
  readonly state: SectionState;
  readonly lines: readonly string[];
}

/** AWS's account review thresholds (SES puts the account under review at these rates). */
export const BOUNCE_REVIEW = 0.05;
export const COMPLAINT_REVIEW = 0.001;

/** Why a read failed, in words for the operator. */
export function unreadable(error: unknown, what: string): string {
  const text = describeError(error).split('\n')[0]?.slice(0, 200) ?? '';
  if (isAccessDenied(error)) return `no permission to read ${what} (${text})`;
  const name = errorName(error);
  if (/NotImplemented|InternalFailure|InternalError/i.test(name) || /not (yet )?implemented/i.test(text)) {
    return `${what} is not available from this endpoint (${text})`;
  }
  if (name === 'SyntaxError' || /Deserialization error/i.test(describeError(error))) {
    return `${what} is not available from this endpoint (its answer was not an AWS API response)`;
  }
  return `could not read ${what}: ${text}`;
}

async function guarded(title: string, what: string, body: () => Promise<Section>): Promise<Section> {
  try {
    return await body();
  } catch (error) {
    return { title, state: 'unavailable', lines: [unreadable(error, what)] };
  }
}

function pct(fraction: number | undefined, digits = 2): string {
  return fraction === undefined ? 'no data' : `${(fraction * 100).toFixed(digits)}%`;
}

/** Severity of an alarm: its `Severity` tag, else a P1/P2/P3 in its name or description, else unknown. */
export function severityOf(
  tags: readonly { Key?: string; Value?: string }[],
  name: string,
  description = '',
): string {
  const tag = tags.find((t) => t.Key?.toLowerCase() === 'severity')?.Value?.toUpperCase();
  if (tag && /^P[123]$/.test(tag)) return tag;
  const m = /(?:^|[^A-Za-z0-9])(P[123])(?:[^0-9]|$)/i.exec(`${name} ${description}`);
  return m?.[1]?.toUpperCase() ?? 'unknown';
}

/** 1. Alarms in ALARM with severity. */
export function alarmsSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'Alarms in ALARM';
  return guarded(title, 'CloudWatch alarms', async () => {
    const prefix = names(ctx).alarmPrefix;
    const alarms: {
      name: string;
      arn?: string;
      description?: string;
      reason?: string;
      since?: Date;
      transitioned?: Date;
    }[] = [];
    let token: string | undefined;
    do {
      const out: DescribeAlarmsCommandOutput = await c.cloudwatch.send(
        new DescribeAlarmsCommand({
          StateValue: 'ALARM',
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        // Filter again: some endpoints (moto) apply only one of the request's filters.
        if (a.StateValue !== 'ALARM' || !a.AlarmName?.startsWith(prefix)) continue;
        alarms.push({
          name: a.AlarmName ?? '?',
          ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
          ...(a.AlarmDescription ? { description: a.AlarmDescription } : {}),
          ...(a.StateReason ? { reason: a.StateReason } : {}),
          ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp } : {}),
          ...((a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp)
            ? { transitioned: a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp }
            : {}),
        });
      }
      token = out.NextToken;
    } while (token);
    if (!alarms.length) return { title, state: 'ok', lines: [`none (alarms named ${prefix}*)`] };
    const rows = await Promise.all(
      alarms.map(async (a) => {
        let tags: { Key?: string; Value?: string }[] = [];
        if (a.arn) {
          try {
            tags =
              (await c.cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: a.arn }))).Tags ?? [];
          } catch {
            // no tag permission: fall back to the name and description
          }
        }
        return { ...a, severity: severityOf(tags, a.name, a.description) };
      }),
    );
    rows.sort(
      (x, y) =>
        SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity) ||
        x.name.localeCompare(y.name),
    );
    const acks = await acknowledgements(ctx, c, rows);
    return {
      title,
      state: 'attention',
      lines: [
        ...rows.map(
          (r) =>
            `${r.severity.padEnd(7)} ${r.name}${r.since ? `  since ${r.since.toISOString()}` : ''}${
              r.reason ? `\n        ${r.reason.slice(0, 200)}` : ''
            }${acks.line(r)}`,
        ),
        ...acks.problems,
      ],
    };
  });
}

/** Who acknowledged each alarm episode (`npm run ack`), read from the alarm-episode table. */
async function acknowledgements(
  ctx: StatusContext,
  c: StatusClients,
  rows: readonly { name: string; severity: string; transitioned?: Date }[],
): Promise<{
  line: (r: { name: string; severity: string; transitioned?: Date }) => string;
  problems: string[];
}> {
  const table = names(ctx).alarmEpisodesTable;
  const keyOf = (r: { name: string; transitioned?: Date }) =>
    r.transitioned ? episodeLookupKey(r.name, episodeOf(r.transitioned)) : undefined;
  let found: Map<string, AlarmEpisode>;
  try {
    found = await new DynamoEpisodeStore(c.dynamodb, table).read(
      rows.flatMap((r) => (r.transitioned ? [{ alarm: r.name, episode: episodeOf(r.transitioned) }] : [])),
    );
  } catch (error) {
    return { line: () => '', problems: [`acknowledgements: ${unreadable(error, `table ${table}`)}`] };
  }
  return {
    line: (r) => {
      const key = keyOf(r);
      const e = key ? found.get(key) : undefined;
      if (e?.ackBy)
        return `\n        acknowledged by ${e.ackBy} at ${e.ackAt}${e.ackNote ? `: ${e.ackNote}` : ''}`;
      if (r.severity === 'P1')
        return `\n        NOT acknowledged: npm run ack -- ${ctx.env} ${r.name} --by <you>`;
      return e?.level2RequestedBy
        ? `\n        level 2 requested by ${e.level2RequestedBy} at ${e.level2RequestedAt}`
        : '';
    },
    problems: [],
  };
}

/** 2. SES account: quota, enforcement status. */
export function accountSection(_ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'SES account';
  return guarded(title, 'the SES account (sesv2:GetAccount)', async () => {
    const a: GetAccountCommandOutput = await c.sesv2.send(new GetAccountCommand({}));
    const q = a.SendQuota;
    const enforcement = a.EnforcementStatus ?? 'unknown';
    const attention = a.SendingEnabled === false || (enforcement !== 'HEALTHY' && enforcement !== 'unknown');
    return {
      title,
      state: attention ? 'attention' : 'ok',
      lines: [
        `enforcement ${enforcement}, sending ${a.SendingEnabled === false ? 'DISABLED' : 'enabled'}, ` +
          `production access ${a.ProductionAccessEnabled ? 'yes' : 'no (sandbox)'}`,
        q
          ? `quota: sent ${q.SentLast24Hours ?? 0} of ${q.Max24HourSend ?? '?'} in 24 h, max ${q.MaxSendRate ?? '?'}/s`
          : 'quota: not returned',
      ],
    };
  });
}

function latest(out: GetMetricDataCommandOutput, id: string): number | undefined {
  const r = out.MetricDataResults?.find((m) => m.Id === id);
  if (!r?.Values?.length || !r.Timestamps?.length) return undefined;
  let best = 0;
  r.Timestamps.forEach((t, i) => {
    if (t.getTime() > (r.Timestamps?.[best]?.getTime() ?? 0)) best = i;
  });
  return r.Values[best];
}

function sum(out: GetMetricDataCommandOutput, id: string): number | undefined {
  const r = out.MetricDataResults?.find((m) => m.Id === id);
  return r?.Values?.length ? r.Values.reduce((a, b) => a + b, 0) : undefined;
}

/** 3. Reputation and the last 24 hours' volume from AWS/SES metrics. */
export function reputationSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'SES reputation and volume (last 24 h)';
  return guarded(title, 'AWS/SES metrics (cloudwatch:GetMetricData)', async () => {
    const end = new Date(Math.floor(ctx.now() / 60_000) * 60_000);
    const start = new Date(end.getTime() - 24 * 3600_000);
    const metric = (id: string, def: MetricDef, stat: string) => ({
      Id: id,
      MetricStat: { Metric: { Namespace: def.namespace, MetricName: def.name }, Period: 3600, Stat: stat },
      ReturnData: true,
    });
    const out: GetMetricDataCommandOutput = await c.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: [
          metric('bouncerate', METRICS.sesReputationBounceRate, 'Maximum'),
          metric('complaintrate', METRICS.sesReputationComplaintRate, 'Maximum'),
          metric('send', METRICS.sesSend, 'Sum'),
          metric('bounce', METRICS.sesBounce, 'Sum'),
          metric('complaint', METRICS.sesComplaint, 'Sum'),
        ],
      }),
    );
    const bounceRate = latest(out, 'bouncerate');
    const complaintRate = latest(out, 'complaintrate');
    const over = (v: number | undefined, limit: number) => v !== undefined && v >= limit;
    const attention = over(bounceRate, BOUNCE_REVIEW) || over(complaintRate, COMPLAINT_REVIEW);
    const flag = (v: number | undefined, limit: number) =>
      over(v, limit) ? '  <-- at or over the AWS review threshold' : '';
    return {
      title,
      state: attention ? 'attention' : 'ok',
      lines: [
        `bounce rate    ${pct(bounceRate)} (AWS review at 5%, pause at 10%)${flag(bounceRate, BOUNCE_REVIEW)}`,
        `complaint rate ${pct(complaintRate, 3)} (AWS review at 0.1%, pause at 0.5%)${flag(complaintRate, COMPLAINT_REVIEW)}`,
        `sent ${sum(out, 'send') ?? 0}, bounces ${sum(out, 'bounce') ?? 0}, complaints ${sum(out, 'complaint') ?? 0}`,
      ],
    };
  });
}

/** 4. Per-domain DKIM (BYODKIM) status. */
export function dkimSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'DKIM per domain';
  if (!ctx.domains.length) {
    return Promise.resolve({
      title,
      state: 'unavailable',
      lines: [`no domains to check (${ctx.domainsSource}); pass --domain example.jp`],
    });
  }
  return guarded(title, 'SES identities', async () => {
    const rows = await Promise.all(
      ctx.domains.map(async (domain) => {
        try {
          const out = await c.sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
          const d = out.DkimAttributes ?? {};
          const status: string = d.Status ?? 'NOT_STARTED';
          const origin = d.SigningAttributesOrigin ?? '?';
          const selectors =
            origin === 'EXTERNAL' ? (d.Tokens ?? []).join(', ') : `${(d.Tokens ?? []).length} tokens`;
          const key = d.CurrentSigningKeyLength ? `, key ${d.CurrentSigningKeyLength}` : '';
          const generated = d.LastKeyGenerationTimestamp
            ? `, key set ${new Date(d.LastKeyGenerationTimestamp).toISOString().slice(0, 10)}`
            : '';
          return {
            ok: status === 'SUCCESS',
            line: `${domain.padEnd(24)} ${status.padEnd(17)} ${origin === 'EXTERNAL' ? 'BYODKIM' : origin}, selector ${selectors || '-'}${key}${generated}${d.SigningEnabled === false ? ', signing DISABLED' : ''}`,
          };
        } catch (error) {
          const missing = errorName(error) === 'NotFoundException';
          return {
            ok: false,
            line: `${domain.padEnd(24)} ${missing ? 'identity not found in SES' : unreadable(error, 'the identity')}`,
          };
        }
      }),
    );
    return { title, state: rows.every((r) => r.ok) ? 'ok' : 'attention', lines: rows.map((r) => r.line) };
  });
}

/** The persisted rotation state (JSON in the item's `state` attribute); only the fields shown here. */

function output(outputs: readonly Output[], pattern: RegExp): string | undefined {
  return outputs.find((o) => pattern.test(o.OutputKey ?? ''))?.OutputValue;
}

/** 5. BYODKIM stack: KMS key state and each domain's rotation stage. */
export function byodkimSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'BYODKIM key and rotation';
  const stack = stackName({ projectCode: ctx.projectCode, sceptreEnv: ctx.env }, 'byodkim');
  return guarded(title, `stack ${stack}`, async () => {
    let outputs: Output[];
    try {
      const out = await c.cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
      outputs = out.Stacks?.[0]?.Outputs ?? [];
    } catch (error) {
      if (isMissingStack(error)) {
        return {
          title,
          state: 'unavailable',
          lines: [`stack ${stack} does not exist (BYODKIM not deployed)`],
        };
      }
      throw error;
    }
    const lines: string[] = [];
    let attention = false;
    const keyId = output(outputs, /kms.*key|key.*(arn|id)$/i);
    if (!keyId) lines.push(`KMS key: no key output in ${stack}`);
    else {
      try {
        const k = (await c.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata ?? {};
        attention ||= k.KeyState !== 'Enabled';
        lines.push(
          `KMS key ${k.KeyId ?? keyId}: ${k.KeyState ?? '?'}${k.DeletionDate ? `, deletion on ${k.DeletionDate.toISOString()}` : ''}`,
        );
      } catch (error) {
        lines.push(`KMS key ${keyId}: ${unreadable(error, 'the key')}`);
      }
    }
    const table = output(outputs, /state.*table|table.*name/i);
    if (!table) lines.push(`rotation stage: no state table output in ${stack}`);
    else {
      for (const domain of ctx.domains) {
        try {
          const item = (
            await c.dynamodb.send(
              new GetItemCommand({
                TableName: table,
                Key: { [BYODKIM_ITEM.key]: { S: BYODKIM_STATE_KEY(domain) } },
              }),
            )
          ).Item;
          const state = decodeByodkimStateItem(item);
          const stage = state?.stage;
          attention ||= stage === 'FAILED' || state?.pendingEffect !== undefined;
          const next = state?.nextRotationAt ? `, next rotation due ${state.nextRotationAt}` : '';
          const selector = state?.selector ? `, selector ${state.selector}` : '';
          const effect = state?.pendingEffect ? `, interrupted: ${state.pendingEffect}` : '';
          lines.push(
            `rotation ${domain}: ${stage ?? 'no rotation yet'}${item?.updatedAt?.S ? ` (since ${item.updatedAt.S})` : ''}${selector}${next}${effect}`,
          );
        } catch (error) {
          lines.push(`rotation ${domain}: ${unreadable(error, 'the rotation state')}`);
        }
      }
    }
    return { title, state: attention ? 'attention' : 'ok', lines };
  });
}

const EVENT_FIELDS =
  'fields @timestamp, detail.eventType as eventType, detail.bounce.bounceType as bounceType, ' +
  'detail.bounce.bouncedRecipients.0.emailAddress as bouncedTo, ' +
  'detail.complaint.complainedRecipients.0.emailAddress as complainedBy, ' +
  'detail.complaint.complaintFeedbackType as feedback';

/** The Logs Insights query; with `unmask`, the raw message as well (needs logs:Unmask). */
export function eventsQuery(unmask: boolean): string {
  return `${EVENT_FIELDS}${unmask ? ', unmask(@message) as raw' : ''}
| filter detail.eventType = "Bounce" or detail.eventType = "Complaint"
| sort @timestamp desc
| limit 20`;
}

function recipientFromRaw(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const d = (JSON.parse(raw) as { detail?: Record<string, { [k: string]: { emailAddress?: string }[] }> })
      .detail;
    return (
      d?.bounce?.bouncedRecipients?.[0]?.emailAddress ?? d?.complaint?.complainedRecipients?.[0]?.emailAddress
    );
  } catch {
    return undefined;
  }
}

/** 6. Recent bounce and complaint events from the SES events log group (masked by the log group's policy). */
export function eventsSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const logGroup = names(ctx).logGroup.sesEvents;
  const title = `Bounces and complaints (last ${ctx.sinceMinutes} min, ${ctx.unmask ? 'unmasked' : 'masked'})`;
  return guarded(title, `Logs Insights on ${logGroup}`, async () => {
    const end = Math.floor(ctx.now() / 1000);
    let queryId: string | undefined;
    try {
      queryId = (
        await c.logs.send(
          new StartQueryCommand({
            logGroupName: logGroup,
            startTime: end - ctx.sinceMinutes * 60,
            endTime: end,
            queryString: eventsQuery(ctx.unmask),
          }),
        )
      ).queryId;
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') {
        return { title, state: 'unavailable', lines: [`log group ${logGroup} does not exist`] };
      }
      throw error;
    }
    if (!queryId) throw new Error('StartQuery returned no queryId');
    const deadline = ctx.now() + (ctx.queryTimeoutMs ?? 30_000);
    let out: GetQueryResultsCommandOutput;
    for (;;) {
      out = await c.logs.send(new GetQueryResultsCommand({ queryId }));
      if (out.status !== 'Running' && out.status !== 'Scheduled') break;
      if (ctx.now() >= deadline) {
        return {
          title,
          state: 'unavailable',
          lines: [`query ${queryId} still running after ${(ctx.queryTimeoutMs ?? 30_000) / 1000} s`],
        };
      }
      await ctx.sleep(1000);
    }
    if (out.status !== 'Complete') {
      return { title, state: 'unavailable', lines: [`query ${queryId} ended ${out.status}`] };
    }
    const rows = (out.results ?? []).map((r) =>
      Object.fromEntries(r.map((f) => [f.field ?? '', f.value ?? ''])),
    );
    if (!rows.length) return { title, state: 'ok', lines: ['none'] };
    return {
      title,
      state: 'ok',
      lines: rows.map((r) => {
        const who =
          (ctx.unmask ? recipientFromRaw(r.raw) : undefined) ?? r.bouncedTo ?? r.complainedBy ?? '-';
        return `${r['@timestamp'] ?? ''}  ${(r.eventType ?? '?').padEnd(9)} ${(r.bounceType || r.feedback || '').padEnd(12)} ${who}`;
      }),
    };
  });
}

/**
 * 7. Next scheduled DKIM rotation run (EventBridge Scheduler): the hourly tick that starts rotations when a
 * domain's `nextRotationAt` is due (the due dates themselves are in the BYODKIM section).
 */
export function rotationScheduleSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'Next scheduled DKIM rotation';
  const prefixes = [names(ctx).schedule(SCHEDULES.rotationTick)];
  return guarded(title, 'EventBridge Scheduler schedules', async () => {
    const found: { name: string; group?: string }[] = [];
    for (const prefix of prefixes) {
      let token: string | undefined;
      do {
        const out: ListSchedulesCommandOutput = await c.scheduler.send(
          new ListSchedulesCommand({ NamePrefix: prefix, ...(token ? { NextToken: token } : {}) }),
        );
        for (const s of out.Schedules ?? []) {
          if (s.Name?.startsWith(prefix))
            found.push({ name: s.Name, ...(s.GroupName ? { group: s.GroupName } : {}) });
        }
        token = out.NextToken;
      } while (token);
    }
    if (!found.length) {
      return {
        title,
        state: 'unavailable',
        lines: [`no schedule named ${prefixes.map((p) => `${p}*`).join(' or ')}`],
      };
    }
    const lines = await Promise.all(
      found.map(async ({ name, group }) => {
        const s = await c.scheduler.send(
          new GetScheduleCommand({ Name: name, ...(group ? { GroupName: group } : {}) }),
        );
        const tz = s.ScheduleExpressionTimezone ?? 'UTC';
        let next: string;
        try {
          const when = nextRun(s.ScheduleExpression ?? '', tz, new Date(ctx.now()));
          next = when ? `next ${when.toISOString()}` : 'next run not computable';
        } catch (error) {
          next = `next run not computable (${describeError(error)})`;
        }
        return `${name}: ${s.State ?? '?'}, ${s.ScheduleExpression ?? '?'} ${tz}, ${next}`;
      }),
    );
    return { title, state: 'ok', lines };
  });
}

/** Every section, in the order of seed 5.4.1. */
export const SECTIONS = [
  alarmsSection,
  accountSection,
  reputationSection,
  dkimSection,
  byodkimSection,
  eventsSection,
  rotationScheduleSection,
] as const;
