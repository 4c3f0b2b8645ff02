/**
 * `npm run backtest -- <env> [--days N] [--json] [--html FILE]`: replays the metric history of the last N days
 * through the alarms of the generated templates (sceptre/templates/<env>/) and reports, per alarm, how often and
 * how long it would have been in ALARM, and when (seed 5.5.1: tuning thresholds and evaluation periods).
 * Read-only: GetMetricData only.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AlarmDef,
  alarmsFromTemplates,
  evaluateAlarms,
  type MetricAlarmDef,
  MetricStore,
  metricKey,
  metricsUsed,
} from '../../lib/alarm-eval/index.js';
import { ConfigError, UsageError } from '../../lib/errors.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, parseEnvironmentCommand, positiveInt, usageText } from '../lib/args.js';
import { type CommandClock, type CommandIo, credentialsAdvice, expectedErrorExit } from '../lib/preflight.js';
import { environmentFacts } from '../status/cli.js';
import { fetchHistory, type PlannedFetch, planFetch, RETENTION } from './fetch.js';
import { renderHtml } from './html.js';
import { buildReports, chartData, renderText } from './report.js';

export const BACKTEST_USAGE = usageText({
  synopsis:
    'npm run backtest -- <env> [--days N] [--json] [--html FILE] [--end ISO-TIME]\n' +
    '                          [--environments-dir environments] [--sceptre-dir sceptre]',
  details: [
    '--days N        how many days of metric history to replay (default 1)',
    '--html FILE     also write the charts page; --json prints the per-alarm figures as JSON',
  ],
  exitCodes: '0 replayed, 2 setup error (environment, credentials, another account), 64 usage error',
});

export interface BacktestDeps extends CommandIo, CommandClock {
  readonly cloudwatch: (region: string) => Pick<CloudWatchClient, 'send'>;
}

/** The alarms of the generated templates of one environment. */
export function loadAlarmDefs(sceptreDir: string, env: string): AlarmDef[] {
  const dir = join(sceptreDir, 'templates', env);
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  if (files.length === 0) {
    throw new ConfigError(
      `${dir}: no generated templates for environment '${env}': run 'npm run generate' first`,
    );
  }
  const templates = Object.fromEntries(
    files.map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
  );
  return alarmsFromTemplates(templates);
}

/** A metric alarm evaluated at `period` instead of its own (history stored coarser than the alarm reads). */
function atPeriod(def: MetricAlarmDef, period: number): MetricAlarmDef {
  return {
    ...def,
    period,
    queries: def.queries.map((q) => (q.kind === 'stat' ? { ...q, period } : q)),
  };
}

export async function backtestMain(argv: readonly string[], deps: BacktestDeps): Promise<number> {
  const help = answerHelp(argv, BACKTEST_USAGE, deps.stdout);
  if (help !== undefined) return help;
  try {
    const { values, env, sceptreDir, environmentsDir } = parseEnvironmentCommand(
      argv,
      {
        days: { type: 'string' },
        json: { type: 'boolean' },
        html: { type: 'string' },
        end: { type: 'string' },
      },
      BACKTEST_USAGE,
    );
    const days = positiveInt('days', values.days, 1, RETENTION[RETENTION.length - 1]!.days);
    const endMs = values.end === undefined ? deps.now() : Date.parse(values.end);
    if (!Number.isFinite(endMs)) throw new UsageError(`--end must be an ISO 8601 time, got '${values.end}'`);
    // Whole minutes: alarms are evaluated on the minute.
    const end = new Date(Math.floor(endMs / 60_000) * 60_000);
    const start = new Date(end.getTime() - days * 86_400_000);
    const facts = environmentFacts(env, environmentsDir, sceptreDir);
    const defs = loadAlarmDefs(sceptreDir, env);
    // Read history only with credentials of the environment's own account (contracts/account.ts).
    await checkAccount(accountTargetOf(env, environmentsDir), () => deps.callerAccount(facts.region));

    const warnings = new Map<string, string[]>();
    const warn = (alarm: string, text: string) => warnings.set(alarm, [...(warnings.get(alarm) ?? []), text]);
    const used = metricsUsed(defs);
    const unresolved = used.filter((q) => Object.values(q.metric.dimensions).some((v) => v.includes('${')));
    const plan = planFetch(
      used.filter((q) => !unresolved.includes(q)),
      days,
    );
    deps.stderr(
      `backtest: ${env} (${facts.region}): ${defs.length} alarms read ${used.length} metric series; ` +
        `${start.toISOString()} to ${end.toISOString()}\n`,
    );
    // History before the window too, so the first evaluations see a full evaluation range.
    const lead = Math.max(
      0,
      ...defs.map((d) => (d.kind === 'metric' ? (d.evaluationPeriods + 2) * d.period * 1000 : 0)),
    );
    // Start on the hour: every period (60, 300, 900, 3600 s) then begins on a multiple of itself, as the alarms'
    // periods do (moto buckets from StartTime; CloudWatch asks for aligned times).
    const fetchStart = new Date(Math.floor((start.getTime() - lead) / 3_600_000) * 3_600_000);
    const history = await fetchHistory(plan, fetchStart, end, {
      client: deps.cloudwatch(facts.region),
      progress: (line) => deps.stderr(`${line}\n`),
      sleep: deps.sleep,
    });

    // The period each alarm can be evaluated at, and the warnings that go with it.
    const fetched = new Map<string, PlannedFetch>(
      plan.map((p) => [`${metricKey(p.metric)}|${p.stat}|${p.period}`, p]),
    );
    const withData = new Set(history.filter((h) => h.points.length > 0).map((h) => metricKey(h.metric)));
    const evaluated = defs.map((def): AlarmDef => {
      if (def.kind !== 'metric') return def;
      let period = def.period;
      for (const q of def.queries) {
        if (q.kind !== 'stat') continue;
        const p = fetched.get(`${metricKey(q.metric)}|${q.stat}|${q.period}`);
        if (!p) {
          warn(
            def.name,
            `metric ${q.metric.name} has unresolved dimensions ${JSON.stringify(q.metric.dimensions)}: not fetched`,
          );
          continue;
        }
        period = Math.max(period, p.fetchPeriod);
        if (!withData.has(metricKey(q.metric)))
          warn(def.name, `no datapoints for ${q.metric.namespace} ${q.metric.name} in the window`);
      }
      if (period === def.period) return def;
      warn(
        def.name,
        `CloudWatch keeps ${def.period}-second points for ${RETENTION.find((r) => r.period >= def.period)?.days ?? '?'} days only: ` +
          `evaluated on ${period}-second points (stored resolution coarser than the alarm's ${def.period}-second period)`,
      );
      return atPeriod(def, period);
    });

    const store = new MetricStore([], history);
    const timelines = evaluateAlarms(evaluated, store, {
      start: start.getTime(),
      end: end.getTime(),
      includePartialPeriod: false,
      // Fetched history holds complete periods only: states change when a period ends.
      onlyAtPeriodEnds: true,
    });
    const reports = buildReports(evaluated, timelines, end.getTime(), warnings);
    if (values.html) {
      // Alarms that fired first (by severity), then the rest, as on-call reads them.
      const order = evaluated
        .map((d, i) => ({ d, i, r: reports[i]! }))
        .sort(
          (a, b) =>
            Number(b.r.alarms > 0) - Number(a.r.alarms > 0) ||
            a.r.severity.localeCompare(b.r.severity) ||
            a.i - b.i,
        );
      const charts = chartData(
        order.map((o) => o.d),
        timelines,
        store,
        start.getTime(),
        end.getTime(),
      );
      writeFileSync(
        values.html,
        renderHtml({ environment: env, start, end, reports: order.map((o) => o.r), charts }),
      );
      deps.stderr(`backtest: wrote ${values.html} (${charts.length} charts)\n`);
    }
    if (values.json) deps.stdout(`${JSON.stringify(reports, null, 2)}\n`);
    else deps.stdout(renderText(reports, `backtest ${env}: ${start.toISOString()} .. ${end.toISOString()}`));
    return 0;
  } catch (error) {
    const code = expectedErrorExit('backtest', error, deps.stderr, 64);
    if (code !== undefined) return code;
    const advice = credentialsAdvice(error);
    if (advice) {
      deps.stderr(`backtest: ${advice}\n`);
      return 2;
    }
    throw error;
  }
}
