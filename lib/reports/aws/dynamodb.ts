/** DynamoDB adapter: BYODKIM key ages from the rotation's state table (only public fields are read out). */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BYODKIM_ITEM, BYODKIM_STATE_KEY, decodeByodkimStateItem } from '../../../contracts/byodkim-state.js';
import type { KeyAge } from '../ports.js';

export async function keyAges(
  ddb: DynamoDBClient,
  table: string,
  domains: readonly string[],
): Promise<KeyAge[]> {
  const out: KeyAge[] = [];
  for (const domain of domains) {
    const res = await ddb.send(
      new GetItemCommand({
        TableName: table,
        Key: { [BYODKIM_ITEM.key]: { S: BYODKIM_STATE_KEY(domain) } },
        ConsistentRead: true,
      }),
    );
    const v = decodeByodkimStateItem(res.Item);
    if (!v) {
      out.push({ domain, stage: '未開始（状態なし）', completedRotations: 0 });
      continue;
    }
    out.push({
      domain,
      stage: v.stage ?? '?',
      ...(v.selector ? { selector: v.selector } : {}),
      ...(v.keyCreatedAt ? { keyCreatedAt: v.keyCreatedAt } : {}),
      ...(v.lastRotationCompletedAt ? { lastRotationCompletedAt: v.lastRotationCompletedAt } : {}),
      ...(v.nextRotationAt ? { nextRotationAt: v.nextRotationAt } : {}),
      completedRotations: v.completedRotations,
      ...(v.lastError ? { lastError: v.lastError } : {}),
    });
  }
  return out;
}
