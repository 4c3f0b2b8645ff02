/**
 * Reads the alarm definitions from CloudFormation templates (the generated ones: never a second copy):
 * `AWS::CloudWatch::Alarm` (single metric or `Metrics` with metric math) and `AWS::CloudWatch::CompositeAlarm`.
 * Intrinsics in names, dimensions and actions are resolved with the pseudo parameters given, or rendered as
 * `${Name}` placeholders.
 */
import type {
  AlarmActions,
  AlarmDef,
  AlarmQuery,
  Comparison,
  CompositeAlarmDef,
  MetricAlarmDef,
  MetricRef,
  TreatMissingData,
} from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation templates are arbitrary JSON
type Json = any;

export class TemplateAlarmError extends Error {
  override readonly name = 'TemplateAlarmError';
}

const COMPARISONS: readonly Comparison[] = [
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const TREATS: readonly TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

/** Renders an intrinsic value as a string: pseudo parameters resolved, other references as `${Name}`. */
export function render(value: Json, pseudo: Readonly<Record<string, string>> = {}): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value && typeof value === 'object') {
    if ('Ref' in value) return pseudo[value.Ref] ?? `\${${value.Ref}}`;
    if ('Fn::Sub' in value) {
      const tpl = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'][0] : value['Fn::Sub'];
      return String(tpl).replace(/\$\{([^}!]+)\}/g, (_, name: string) => pseudo[name] ?? `\${${name}}`);
    }
    if ('Fn::GetAtt' in value) {
      const [id, attr] = Array.isArray(value['Fn::GetAtt'])
        ? value['Fn::GetAtt']
        : String(value['Fn::GetAtt']).split('.');
      return `\${${id}.${attr}}`;
    }
    if ('Fn::ImportValue' in value) return `\${Import:${render(value['Fn::ImportValue'], pseudo)}}`;
  }
  return JSON.stringify(value);
}

function metricRef(m: Json, pseudo: Readonly<Record<string, string>>): MetricRef {
  const dims: Record<string, string> = {};
  for (const d of m.Dimensions ?? []) dims[d.Name] = render(d.Value, pseudo);
  return { namespace: render(m.Namespace, pseudo), name: render(m.MetricName, pseudo), dimensions: dims };
}

function actions(p: Json, pseudo: Readonly<Record<string, string>>): AlarmActions {
  const list = (xs: Json) => (Array.isArray(xs) ? xs.map((x) => render(x, pseudo)) : []);
  return {
    alarm: list(p.AlarmActions),
    ok: list(p.OKActions),
    insufficientData: list(p.InsufficientDataActions),
  };
}

function severityOf(p: Json): string | undefined {
  const tag = (p.Tags ?? []).find((t: Json) => t.Key === 'Severity');
  return tag ? String(tag.Value) : undefined;
}

function metricAlarm(source: string, p: Json, pseudo: Readonly<Record<string, string>>): MetricAlarmDef {
  const name = render(p.AlarmName, pseudo);
  const fail = (what: string) => new TemplateAlarmError(`${source} (${name}): ${what}`);
  if (!COMPARISONS.includes(p.ComparisonOperator)) {
    throw fail(
      `ComparisonOperator ${p.ComparisonOperator} is not modelled (allowed: ${COMPARISONS.join(', ')})`,
    );
  }
  const treat: TreatMissingData = p.TreatMissingData ?? 'missing';
  if (!TREATS.includes(treat)) throw fail(`TreatMissingData ${treat} is not one of ${TREATS.join(', ')}`);
  let queries: AlarmQuery[];
  let period: number;
  let returnId: string;
  if (Array.isArray(p.Metrics)) {
    queries = p.Metrics.map((q: Json): AlarmQuery => {
      if (q.MetricStat) {
        return {
          kind: 'stat',
          id: q.Id,
          metric: metricRef(q.MetricStat.Metric, pseudo),
          stat: q.MetricStat.Stat,
          period: Number(q.MetricStat.Period ?? q.Period),
          returnData: q.ReturnData !== false,
        };
      }
      if (typeof q.Expression === 'string') {
        return {
          kind: 'expression',
          id: q.Id,
          expression: q.Expression,
          returnData: q.ReturnData !== false,
          label: q.Label,
        };
      }
      throw fail(`metric query ${q.Id} has neither MetricStat nor Expression`);
    });
    const returned = queries.filter((q) => q.returnData);
    if (returned.length !== 1)
      throw fail(`exactly one query must have ReturnData true, found ${returned.length}`);
    returnId = returned[0]!.id;
    const periods = new Set(queries.flatMap((q) => (q.kind === 'stat' ? [q.period] : [])));
    if (periods.size !== 1)
      throw fail(`every MetricStat must use one period, found ${[...periods].join(', ')}`);
    period = [...periods][0]!;
  } else {
    const stat = p.ExtendedStatistic ?? p.Statistic;
    if (!stat) throw fail('neither Statistic nor ExtendedStatistic');
    period = Number(p.Period);
    queries = [{ kind: 'stat', id: 'm1', metric: metricRef(p, pseudo), stat, period, returnData: true }];
    returnId = 'm1';
  }
  const n = Number(p.EvaluationPeriods);
  return {
    kind: 'metric',
    name,
    severity: severityOf(p),
    source,
    comparison: p.ComparisonOperator,
    threshold: Number(p.Threshold),
    evaluationPeriods: n,
    datapointsToAlarm: Number(p.DatapointsToAlarm ?? n),
    treatMissingData: treat,
    period,
    queries,
    returnId,
    actions: actions(p, pseudo),
  };
}

/**
 * Every alarm of the templates (stack id → template JSON), in stack and resource order.
 * `pseudo` resolves references such as `AWS::AccountId` (default: none, rendered as placeholders).
 */
export function alarmsFromTemplates(
  templates: Readonly<Record<string, Json>>,
  pseudo: Readonly<Record<string, string>> = {},
): AlarmDef[] {
  const out: AlarmDef[] = [];
  for (const [stack, tpl] of Object.entries(templates)) {
    for (const [id, r] of Object.entries<Json>(tpl?.Resources ?? {})) {
      const source = `${stack}/${id}`;
      if (r.Type === 'AWS::CloudWatch::Alarm') out.push(metricAlarm(source, r.Properties, pseudo));
      if (r.Type === 'AWS::CloudWatch::CompositeAlarm') {
        const p = r.Properties;
        out.push({
          kind: 'composite',
          name: render(p.AlarmName, pseudo),
          severity: severityOf(p),
          source,
          rule: render(p.AlarmRule, pseudo),
          actions: actions(p, pseudo),
        } satisfies CompositeAlarmDef);
      }
    }
  }
  const names = new Set<string>();
  for (const a of out) {
    if (names.has(a.name))
      throw new TemplateAlarmError(`alarm name ${a.name} is declared twice (${a.source})`);
    names.add(a.name);
  }
  return out;
}

/** Every metric the alarms read, once each. */
export function metricsUsed(
  defs: readonly AlarmDef[],
): { metric: MetricRef; stat: string; period: number }[] {
  const seen = new Map<string, { metric: MetricRef; stat: string; period: number }>();
  for (const d of defs) {
    if (d.kind !== 'metric') continue;
    for (const q of d.queries) {
      if (q.kind !== 'stat') continue;
      const key = JSON.stringify([
        q.metric.namespace,
        q.metric.name,
        Object.entries(q.metric.dimensions).sort(),
        q.stat,
        q.period,
      ]);
      if (!seen.has(key)) seen.set(key, { metric: q.metric, stat: q.stat, period: q.period });
    }
  }
  return [...seen.values()];
}
