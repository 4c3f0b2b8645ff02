/** The dashboards of seed 4.1 and 4.2, read from the generated templates of both fixture environments. */
import { describe, expect, it } from 'vitest';
import { ALARM_WIDGET_MAX_ALARMS } from '../../contracts/limits.js';
import { chunks, GRID_WIDTH, layout, section } from '../../generators/lib/layout.js';
import type { AlarmRef } from '../../generators/lib/template.js';
import { alarmWidgets } from '../../generators/stacks/dashboards.js';
import { alarmsByName, type Json, resourcesOfType, templates } from '../support/templates.js';

const ENVS = ['prod', 'dev'] as const;

function boards(tpls: Record<string, Json>): Map<string, { widgets: Json[] }> {
  return new Map(
    resourcesOfType(tpls, 'AWS::CloudWatch::Dashboard').map(([, r]) => [
      r.Properties.DashboardName as string,
      JSON.parse(r.Properties.DashboardBody['Fn::Sub'] ?? r.Properties.DashboardBody),
    ]),
  );
}

const alarmOnWidget = (arn: string): string => arn.split(':alarm:')[1] ?? arn;

describe.each(ENVS)('%s dashboards', (env) => {
  const tpls = templates(env);
  const all = boards(tpls);
  const prefix = env === 'prod' ? 'ses-migration-production' : 'ses-migration-development';
  const main = all.get(`${prefix}-dashboard`)!;
  const tokyo = all.get(`${prefix}-tokyo-region-monitoring-dashboard`)!;

  it('every alarm in the generated templates is on an alarm status widget of the main and Tokyo dashboards', () => {
    const alarms = [...alarmsByName(tpls).keys()].sort();
    expect(alarms.length).toBeGreaterThan(40);
    for (const board of [main, tokyo]) {
      const shown = board.widgets
        .filter((w) => w.type === 'alarm')
        .flatMap((w) => (w.properties.alarms as string[]).map(alarmOnWidget));
      expect([...new Set(shown)].sort()).toEqual(alarms);
    }
  });

  it('has a worst-domains view: an Insights table of per-domain rates over the SES events and the worst-domain rates', () => {
    const table = main.widgets.find(
      (w) => w.type === 'log' && String(w.properties.title).startsWith('ワーストドメイン'),
    );
    const query = table?.properties.query as string;
    expect(query).toMatch(/^SOURCE '\/aws\/ses\/events(\/development)?' \| filter detail\.eventType in/);
    expect(query).toContain('by `detail.mail.tags.ses:from-domain.0` as domain');
    expect(query).toMatch(/filter sends >= \d+ \|/);
    expect(query).toContain('100 * bounces / sends as bounceRatePct');
    const graph = main.widgets.find(
      (w) => w.type === 'metric' && String(w.properties.title).startsWith('最悪ドメイン'),
    );
    expect((graph!.properties.metrics as unknown[][]).map((m) => m[1])).toEqual([
      'WorstDomainBounceRate',
      'WorstDomainComplaintRate',
      'RatedDomains',
    ]);
  });

  it('groups alarm widgets by the Severity tag', () => {
    const severityOf = new Map(
      [...alarmsByName(tpls)].map(([name, r]) => [
        name,
        (r.Properties.Tags as { Key: string; Value: string }[]).find((t) => t.Key === 'Severity')?.Value,
      ]),
    );
    for (const w of main.widgets.filter((x) => x.type === 'alarm')) {
      const s = (w.properties.title as string).match(/(P[123])/)?.[1];
      for (const arn of w.properties.alarms) expect(severityOf.get(alarmOnWidget(arn))).toBe(s);
    }
  });

  it('shows the last 24 hours of alarm state changes from the alarm-history log group, which EventBridge fills', () => {
    const r = tpls.monitoring.Resources;
    const group = r.AlarmHistoryLogGroup.Properties.LogGroupName;
    expect(group).toBe(`/aws/events/ses-migration/${prefix.split('-').pop()}/alarm-history`);
    expect(r.AlarmHistoryRule.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: `${prefix}-` }] },
    });
    expect(r.AlarmHistoryRule.Properties.Targets[0].Arn).toEqual({
      'Fn::GetAtt': ['AlarmHistoryLogGroup', 'Arn'],
    });
    expect(main.widgets.length).toBeGreaterThan(0);
    for (const board of [main, tokyo]) {
      const logs = board.widgets.filter((w) => w.type === 'log').map((w) => w.properties.query as string);
      expect(logs.some((q) => q.startsWith(`SOURCE '${group}' | fields @timestamp, detail.alarmName`))).toBe(
        true,
      );
    }
    expect((main as Json).start).toBe('-PT24H');
  });

  it('has a BYODKIM section with the BYODKIM alarms and the DNS-wait and pending ages', () => {
    const byodkim = [...alarmsByName(tpls)].filter(([, r]) => r.stack === 'byodkim').map(([n]) => n);
    const section = main.widgets.filter(
      (w) => w.type === 'alarm' && (w.properties.title as string).startsWith('BYODKIM'),
    );
    expect(section.flatMap((w) => w.properties.alarms.map(alarmOnWidget)).sort()).toEqual(byodkim.sort());
    const metrics = JSON.stringify(main.widgets.filter((w) => w.type === 'metric'));
    for (const m of ['DNSRequestAgeHours', 'BYODKIMPendingHours', 'OldRecordAgeDays'])
      expect(metrics).toContain(m);
  });

  it('plots the archive bucket in every storage class (Glacier IR after the transition, not only Standard)', () => {
    const storage = main.widgets.find((w) => String(w.properties.title).startsWith('S3 アーカイブ'));
    const expression = storage.properties.metrics[0][0].expression as string;
    expect(expression).toContain('{AWS/S3,BucketName,StorageType} MetricName="BucketSizeBytes"');
    expect(expression).toContain(`BucketName="${prefix}-ses-archive-\${AWS::AccountId}"`);
    expect(expression).not.toContain('StandardStorage');
  });

  it('sets JST on every metric widget and says so where CloudWatch has no time-zone setting', () => {
    for (const board of all.values()) {
      for (const w of board.widgets.filter((x) => x.type === 'metric'))
        expect(w.properties.timezone).toBe('+0900');
      const text = board.widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown as string);
      expect(text.join('\n')).toContain(
        'ログ表とアラーム一覧の時刻は CloudWatch コンソールのタイムゾーン設定に従います',
      );
    }
  });

  it('privacy dashboards: admin sees originals only through unmask(); the masked one shows masked email and IP', () => {
    const admin = all.get(`${prefix}-privacy-admin-dashboard`)!;
    const masked = all.get(`${prefix}-privacy-masked-dashboard`)!;
    const query = (b: { widgets: Json[] }) =>
      b.widgets.find((w) => w.type === 'log').properties.query as string;
    expect(query(admin)).toContain('unmask(@message)');
    expect(query(masked)).not.toContain('unmask');
    expect(query(masked)).toContain('`detail.mail.destination.0` as maskedEmail');
    expect(query(masked)).toContain('`detail.mail.tags.ses:source-ip.0` as maskedIP');
  });

  it('queries: the compliance query reads the audit findings that group receives; log levels on the application group', () => {
    const q = tpls.monitoring.Resources;
    const compliance = q.ComplianceJapaneseQuery.Properties;
    expect(compliance.LogGroupNames).toEqual([
      `/aws/monitoring/compliance/japanese/ses-migration/${prefix.split('-').pop()}`,
    ]);
    expect(compliance.QueryString).toContain('resourceArn, dataIdentifiers.0.name as identifier1');
    expect(compliance.QueryString).toContain('by resourceArn, identifier1, identifier2');
    expect(compliance.QueryString).not.toMatch(/ERROR|WARNING|DEBUG/);
    const levels = q.ApplicationLogLevelsQuery.Properties;
    expect(levels.LogGroupNames).toEqual([`/aws/application/ses-migration/${prefix.split('-').pop()}`]);
    expect(levels.QueryString).toContain('parse @message /(?<lvl>ERROR|WARNING|WARN|INFO|DEBUG)/');
  });

  it('places widgets with the layout helper: on the 24-column grid, never overlapping', () => {
    for (const board of all.values()) {
      const cells = new Set<string>();
      for (const w of board.widgets) {
        expect(w.x + w.width).toBeLessThanOrEqual(GRID_WIDTH);
        for (let x = w.x; x < w.x + w.width; x++) {
          for (let y = w.y; y < w.y + w.height; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell), `${w.properties.title} overlaps at ${cell}`).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
  });
});

describe('alarmWidgets', () => {
  it('splits a severity with more alarms than one widget holds', () => {
    const many: AlarmRef[] = Array.from({ length: 250 }, (_, i) => ({
      name: `a-${String(i).padStart(3, '0')}`,
      severity: 'P3',
      stack: 'ses',
    }));
    const widgets = alarmWidgets(many, 'x');
    expect(widgets.map((w) => (w.properties.alarms as string[]).length)).toEqual([100, 100, 50]);
    expect(widgets.map((w) => w.properties.title)).toEqual([
      'x: 情報 P3 (100) 1/3',
      'x: 情報 P3 (100) 2/3',
      'x: 情報 P3 (50) 3/3',
    ]);
    expect(ALARM_WIDGET_MAX_ALARMS).toBe(100);
  });
});

describe('layout', () => {
  it('wraps a widget that does not fit, and a section starts a new line', () => {
    const w = (width: number) => ({ type: 'metric' as const, width, height: 6, properties: {} });
    expect(layout([w(12), w(12), w(12), section('x'), w(8)]).map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [12, 0],
      [0, 6],
      [0, 12],
      [0, 13],
    ]);
    expect(() => layout([w(25)])).toThrow(/allowed: width 1-24/);
    expect(chunks([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });
});
