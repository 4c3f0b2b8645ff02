/** Section 7 of `npm run status`: the next run of the DKIM rotation schedule. */
import {
  GetScheduleCommand,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
} from '@aws-sdk/client-scheduler';
import { names, SCHEDULES } from '../../../contracts/names.js';
import { describeError } from '../../../lib/errors.js';
import { nextRun } from '../cron.js';
import { guarded, type Section, type StatusClients, type StatusContext } from './shared.js';

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
