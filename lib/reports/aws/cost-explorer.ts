/** Cost Explorer adapter (endpoint in us-east-1): monthly unblended cost by the Project tag and service. */
import { type CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import type { CostLine } from '../ports.js';

export async function monthlyCost(ce: CostExplorerClient, start: string, end: string): Promise<CostLine[]> {
  const out: CostLine[] = [];
  let token: string | undefined;
  do {
    const res = await ce.send(
      new GetCostAndUsageCommand({
        TimePeriod: { Start: start, End: end },
        Granularity: 'MONTHLY',
        Metrics: ['UnblendedCost'],
        GroupBy: [
          { Type: 'TAG', Key: 'Project' },
          { Type: 'DIMENSION', Key: 'SERVICE' },
        ],
        NextPageToken: token,
      }),
    );
    for (const r of res.ResultsByTime ?? []) {
      for (const g of r.Groups ?? []) {
        const [tagKey, service] = g.Keys ?? [];
        const m = g.Metrics?.UnblendedCost;
        out.push({
          month: r.TimePeriod?.Start ?? '',
          // Keys come back as "Project$<value>", "Project$" when the cost carries no such tag.
          tag: (tagKey ?? '').replace(/^Project\$/, ''),
          service: service ?? '',
          amount: Number(m?.Amount ?? 0),
          unit: m?.Unit ?? 'USD',
        });
      }
    }
    token = res.NextPageToken;
  } while (token);
  return out;
}
