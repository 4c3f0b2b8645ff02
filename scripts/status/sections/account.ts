/** Section 2 of `npm run status`: the SES account (quota, enforcement, sending). */
import { GetAccountCommand, type GetAccountCommandOutput } from '@aws-sdk/client-sesv2';
import { guarded, type Section, type StatusClients, type StatusContext } from './shared.js';

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
