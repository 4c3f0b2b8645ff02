/** Section 1 of `npm run status`: alarms in ALARM by severity, with who acknowledged each episode. */
import {
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { type AlarmEpisode, episodeLookupKey, episodeOf } from '../../../contracts/alarm-episodes.js';
import { names } from '../../../contracts/names.js';
import { SEVERITY_ORDER } from '../../../contracts/severity.js';
import { DynamoEpisodeStore } from '../../../lib/alarm-episodes/store.js';
import { guarded, type Section, type StatusClients, type StatusContext, unreadable } from './shared.js';

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
