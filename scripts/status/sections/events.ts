/** Section 6 of `npm run status`: recent bounces and complaints from the SES events log group. */
import {
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { names } from '../../../contracts/names.js';
import { errorName } from '../../../lib/errors.js';
import { guarded, type Section, type StatusClients, type StatusContext } from './shared.js';

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
