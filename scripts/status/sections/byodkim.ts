/** Section 5 of `npm run status`: the BYODKIM stack's KMS key and each domain's rotation stage. */
import { DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { BYODKIM_ITEM, BYODKIM_STATE_KEY, decodeByodkimStateItem } from '../../../contracts/byodkim-state.js';
import { stackName } from '../../../contracts/names.js';
import { isMissingStack } from '../../../lib/errors.js';
import { guarded, type Section, type StatusClients, type StatusContext, unreadable } from './shared.js';

/** The value of the first stack output whose key matches. */
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
