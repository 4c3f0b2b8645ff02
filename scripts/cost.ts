/**
 * `npm run cost -- <env> [--sends-per-day N] [--domains N] [--json]`: the monthly AWS cost of an environment,
 * line by line, from its templates (rendered in process from environments/<env>.yaml, as `npm run generate`
 * would) and a sending volume. `--domains N` replaces the domain list with N synthetic domains to see how the
 * cost grows with domains; templates at that size that exceed an AWS limit are flagged (generate would refuse
 * them). Model: lib/cost/model.ts.
 */
import { SES_IDENTITIES_PER_REGION } from '../contracts/limits.js';
import { renderJson } from '../generators/generate.js';
import { checkTemplateLimits } from '../generators/lib/limits-check.js';
import { ASSUMPTIONS, cents, estimate, total } from '../lib/cost/model.js';
import { PRICES, PRICES_DATE } from '../lib/cost/prices.js';
import { answerHelp, environmentArg, joinDashValues, parseCli, positiveInt, usageText } from './lib/args.js';
import { environmentTemplates } from './lib/cost-templates.js';
import { loadEnvironments } from './lib/environments.js';

const MAX_SENDS_PER_DAY = 1_000_000_000;

const USAGE = usageText({
  synopsis: 'npm run cost -- <env> [--sends-per-day N (default 100000)] [--domains N] [--json]',
  details: [
    `--sends-per-day N  1 to ${MAX_SENDS_PER_DAY}`,
    `--domains N  price N synthetic domains instead of the environment file's (how cost grows); 1 to ${SES_IDENTITIES_PER_REGION} (SES identities per Region)`,
    '--json  the estimate as JSON, money rounded to cents like the table',
  ],
  exitCodes: '0 estimated, 2 usage error (bad flag, unknown environment)',
});

function main(argv: string[]): number {
  const help = answerHelp(argv, USAGE, (t) => process.stdout.write(t));
  if (help !== undefined) return help;
  const { values, positionals } = parseCli(joinDashValues(argv, ['--sends-per-day', '--domains']), {
    'sends-per-day': { type: 'string' },
    domains: { type: 'string' },
    json: { type: 'boolean' },
  });
  const env = environmentArg(positionals, USAGE);
  const sendsPerDay = positiveInt('sends-per-day', values['sends-per-day'], 100_000, MAX_SENDS_PER_DAY);
  const cfg = loadEnvironments().find((c) => c.sceptreEnv === env);
  if (!cfg) throw new Error(`unknown environment '${env}': no environments/${env}.yaml`);
  if (values.domains !== undefined) {
    const n = Number(values.domains);
    if (!Number.isInteger(n) || n < 1 || n > SES_IDENTITIES_PER_REGION) {
      throw new Error(
        `--domains must be a whole number from 1 to ${SES_IDENTITIES_PER_REGION} (SES allows ${SES_IDENTITIES_PER_REGION.toLocaleString('en')} identities per Region), got '${values.domains}'`,
      );
    }
  }
  const domainCount = values.domains === undefined ? cfg.ses.domains.length : Number(values.domains);
  const templates = environmentTemplates(cfg, values.domains === undefined ? undefined : domainCount);
  const exceeded = [
    ...new Set(
      Object.entries(templates).flatMap(([id, t]) =>
        checkTemplateLimits(id, t, renderJson(t)).map((p) => `${p.limit.id} (${p.stack})`),
      ),
    ),
  ];
  const limitsNote = exceeded.length
    ? `note: at ${domainCount} domains with ses.identityStacks ${cfg.ses.identityStacks ?? 1} these templates exceed ${exceeded.join(', ')}: generate would refuse them (raise ses.identityStacks, README "Spreading identities over stacks"); the estimate still counts them`
    : undefined;
  const lines = estimate(templates, { sendsPerDay, domains: domainCount });
  const sum = total(lines);
  if (values.json) {
    const rounded = lines.map((l) => ({ ...l, monthlyUsd: cents(l.monthlyUsd) }));
    process.stdout.write(
      `${JSON.stringify(
        {
          env,
          sendsPerDay,
          domains: domainCount,
          pricesDate: PRICES_DATE,
          // cents, like the table: the sum of the unrounded lines, rounded (the rounded lines may add up to a cent or two apart)
          totalUsd: cents(sum),
          limitsExceeded: exceeded,
          lines: rounded,
          assumptions: ASSUMPTIONS,
        },
        null,
        2,
      )}\n`,
    );
    if (limitsNote) process.stderr.write(`cost: ${limitsNote}\n`);
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
      ...(limitsNote ? [limitsNote] : []),
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
