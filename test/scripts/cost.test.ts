/** The README's cost table is what `npm run cost` computes for the prod fixture (nothing else checks the table). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimate, total } from '../../lib/cost/model.js';
import { environmentTemplates } from '../../scripts/lib/cost-templates.js';
import { loadEnv } from '../support/templates.js';

function readmeTable(): { domains: number; totals: number[]; perDomain: number }[] {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Cost model'));
  const rows = section.split('\n').filter((l) => /^\| [\d,]+ \| \$/.test(l));
  const usd = (cell: string) => Number(cell.replace(/[$,\s]/g, ''));
  return rows.map((row) => {
    const cells = row.split('|').slice(1, -1);
    return {
      domains: Number(cells[0]!.replace(/[,\s]/g, '')),
      totals: [usd(cells[1]!), usd(cells[2]!)],
      perDomain: usd(cells[3]!),
    };
  });
}

describe('README cost table', () => {
  it('matches the model for 1, 200 and 1,000 domains at 100k and 1M sends a day', () => {
    const rows = readmeTable();
    expect(rows.map((r) => r.domains)).toEqual([1, 200, 1000]);
    const prod = loadEnv('prod');
    for (const row of rows) {
      const templates = environmentTemplates(prod, row.domains === 1 ? undefined : row.domains);
      const [low, high] = [100_000, 1_000_000].map((sendsPerDay) =>
        estimate(templates, { sendsPerDay, domains: row.domains }),
      );
      expect([Number(total(low!).toFixed(2)), Number(total(high!).toFixed(2))]).toEqual(row.totals);
      const grows = low!.filter((l) => l.perDomain).reduce((n, l) => n + l.monthlyUsd, 0);
      expect(Number(grows.toFixed(2))).toBe(row.perDomain);
    }
  });
});
