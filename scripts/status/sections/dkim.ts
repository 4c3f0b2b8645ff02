/** Section 4 of `npm run status`: each domain's DKIM (BYODKIM) status in SES. */
import { GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { errorName } from '../../../lib/errors.js';
import { guarded, type Section, type StatusClients, type StatusContext, unreadable } from './shared.js';

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
