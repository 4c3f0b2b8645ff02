/** DynamoDB adapter: BYODKIM key ages from the rotation's state table (only public fields are read out). */
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { KeyAge } from '../ports.js';

export async function keyAges(
  ddb: DynamoDBClient,
  table: string,
  domains: readonly string[],
): Promise<KeyAge[]> {
  const out: KeyAge[] = [];
  for (const domain of domains) {
    const res = await ddb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: `state#${domain}` } }, ConsistentRead: true }),
    );
    const raw = res.Item?.state?.S;
    if (!raw) {
      out.push({ domain, stage: '未開始（状態なし）', completedRotations: 0 });
      continue;
    }
    const s = JSON.parse(raw) as {
      stage?: string;
      current?: { selector?: string; createdAt?: string };
      lastRotationCompletedAt?: string;
      nextRotationAt?: string;
      completedRotations?: number;
      lastError?: { name?: string; message?: string };
    };
    out.push({
      domain,
      stage: s.stage ?? '?',
      ...(s.current?.selector ? { selector: s.current.selector } : {}),
      ...(s.current?.createdAt ? { keyCreatedAt: s.current.createdAt } : {}),
      ...(s.lastRotationCompletedAt ? { lastRotationCompletedAt: s.lastRotationCompletedAt } : {}),
      ...(s.nextRotationAt ? { nextRotationAt: s.nextRotationAt } : {}),
      completedRotations: s.completedRotations ?? 0,
      ...(s.lastError ? { lastError: `${s.lastError.name}: ${s.lastError.message}`.slice(0, 160) } : {}),
    });
  }
  return out;
}
