/**
 * `npm run cost -- <env> [--sends-per-day N] [--domains N] [--json]`: the monthly AWS cost of an environment,
 * line by line, from its templates (rendered in process from environments/<env>.yaml, as `npm run generate`
 * would) and a sending volume. `--domains N` replaces the domain list with N synthetic domains to see how the
 * cost grows with domains (limits are not checked for such what-if templates). Model: lib/cost/model.ts.
 */
import { parseArgs } from 'node:util';
import { ASSUMPTIONS, estimate, total } from '../lib/cost/model.js';
import { PRICES, PRICES_DATE } from '../lib/cost/prices.js';
import { answerHelp, usageText } from './lib/args.js';
import { environmentTemplates } from './lib/cost-templates.js';
import { loadEnvironments } from './lib/environments.js';

const USAGE = usageText({
  synopsis: 'npm run cost -- <env> [--sends-per-day N (default 100000)] [--domains N] [--json]',
  details: ["--domains N  price N synthetic domains instead of the environment file's (how cost grows)"],
  exitCodes: '0 estimated, 2 usage error (bad flag, unknown environment)',
});

function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000_000) {
    throw new Error(`--${flag} is '${value}'; allowed: a whole number from 1 to 1000000000`);
  }
  return n;
}

function main(argv: string[]): number {
  const help = answerHelp(argv, USAGE, (t) => process.stdout.write(t));
  if (help !== undefined) return help;
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'sends-per-day': { type: 'string' },
      domains: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Error(USAGE);
  const env = positionals[0]!;
  const cfg = loadEnvironments().find((c) => c.sceptreEnv === env);
  if (!cfg) throw new Error(`unknown environment '${env}': no environments/${env}.yaml`);
  const sendsPerDay = positive('sends-per-day', values['sends-per-day'], 100_000);
  const domainCount = positive('domains', values.domains, cfg.ses.domains.length);
  const templates = environmentTemplates(cfg, values.domains === undefined ? undefined : domainCount);
  const lines = estimate(templates, { sendsPerDay, domains: domainCount });
  const sum = total(lines);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ env, sendsPerDay, domains: domainCount, pricesDate: PRICES_DATE, totalUsd: sum, lines, assumptions: ASSUMPTIONS }, null, 2)}\n`,
    );
    return 0;
  }
  const rows = lines.map(
    (l) =>
      `${l.perDomain ? '*' : ' '} ${l.item.padEnd(92)} ${(Number.isInteger(l.quantity) ? String(l.quantity) : l.quantity.toFixed(l.quantity < 10 ? 3 : 0)).padStart(14)} ${l.unit.padEnd(18)} $${l.monthlyUsd.toFixed(2).padStart(9)}${PRICES[l.price].checked ? '' : '  (price not re-checked)'}`,
  );
  process.stdout.write(
    [
      `${cfg.projectCode} ${env}: ${domainCount} domain(s), ${sendsPerDay.toLocaleString('en')} sends a day; list prices ap-northeast-1 as of ${PRICES_DATE} (lib/cost/prices.ts)`,
      ...rows,
      `  ${'total per month'.padEnd(92)} ${''.padStart(14)} ${''.padEnd(18)} $${sum.toFixed(2).padStart(9)}`,
      '* grows with the number of sending domains. Assumptions (events per send, sizes, runs): lib/cost/model.ts.',
      '',
    ].join('\n'),
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`cost: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  process.exitCode = 2;
}
