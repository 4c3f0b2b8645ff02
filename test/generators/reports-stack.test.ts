import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnvConfig } from '../../generators/config/load.js';
import { renderStack } from '../../generators/lib/template.js';
import { reportsStack } from '../../generators/stacks/reports.js';
import { parseReportConfig } from '../../lib/reports/config.js';
import { fakeBundles, type Json } from '../support/templates.js';

const FIXTURE = 'test/fixtures/environments/reports.yaml';
const load = (patch = '') => parseEnvConfig(FIXTURE, readFileSync(FIXTURE, 'utf8') + patch);
const P = 'ses-migration-production';

describe('reports stack', () => {
  const rendered = renderStack(reportsStack, load(), fakeBundles());
  const t = rendered.template as Json;
  const r = t.Resources;

  it('one function per cadence, scheduled at 09:00 Asia/Tokyo: daily, Mondays, the 1st', () => {
    expect(
      ['Daily', 'Weekly', 'Monthly'].map((c) => [
        r[`${c}ReportFunction`].Properties.FunctionName,
        r[`${c}ReportSchedule`].Properties.ScheduleExpression,
        r[`${c}ReportSchedule`].Properties.ScheduleExpressionTimezone,
        JSON.parse(r[`${c}ReportSchedule`].Properties.Target.Input),
      ]),
    ).toEqual([
      [`${P}-daily-report`, 'cron(0 9 * * ? *)', 'Asia/Tokyo', { cadence: 'daily' }],
      [`${P}-weekly-report`, 'cron(0 9 ? * MON *)', 'Asia/Tokyo', { cadence: 'weekly' }],
      [`${P}-monthly-report`, 'cron(0 9 1 * ? *)', 'Asia/Tokyo', { cadence: 'monthly' }],
    ]);
  });

  it('report mail has its own configuration set with no event destination (absent from events and per-domain metrics)', () => {
    expect(r.ReportConfigurationSet.Properties.Name).toBe(`${P}-reports`);
    const destinations = Object.values(r as Record<string, Json>).filter(
      (x) => x.Type === 'AWS::SES::ConfigurationSetEventDestination',
    );
    expect(destinations).toEqual([]);
  });

  it('the function environment names the configuration object (not the configuration), and it parses back', () => {
    const vars = r.DailyReportFunction.Properties.Environment.Variables;
    expect(vars.REPORT_CONFIG_JSON).toBeUndefined();
    expect(vars.REPORT_CONFIG_KEY).toMatch(/^config\/[a-z]+\/report-config\/[0-9a-f]{64}\.json$/);
    const body = rendered.configObjects.get(vars.REPORT_CONFIG_KEY);
    expect(body, 'the stack registers the object it names').toBeDefined();
    const cfg = parseReportConfig(body);
    expect(cfg.recipients.monthly).toEqual(['ops@goo.ne.jp', 'manager@goo.ne.jp']);
    expect(cfg.sender).toBe('ses-reports@goo.ne.jp');
    expect(cfg.domains.map((d) => d.name)).toEqual(['goo.ne.jp', 'mail.goo.ne.jp']);
    // ARNs resolve to at most ~120 characters each at deploy time.
    const literal = Object.entries(vars).reduce(
      (n, [k, v]) => n + k.length + (typeof v === 'string' ? v.length : 120),
      0,
    );
    expect(literal).toBeLessThan(4096);
  });

  it('least privilege: mail only from the sender through the report set, archive only under reports/, no unmask', () => {
    const statements = r.DailyReportRole.Properties.Policies[0].PolicyDocument.Statement as Json[];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.MailFromConfiguredSenderThroughReportSet.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': 'ses-reports@goo.ne.jp' },
    });
    expect(JSON.stringify(bySid.MailFromConfiguredSenderThroughReportSet.Resource)).toContain(
      `configuration-set/${P}-reports`,
    );
    expect(JSON.stringify(bySid.MailFromConfiguredSenderThroughReportSet.Resource)).not.toContain(
      `configuration-set/${P}-config-set`,
    );
    expect(bySid.ArchiveReports.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:s3:::${EnhancedKinesisArchiveBucketName}/reports/*',
    });
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('logs:Unmask');
    expect(
      actions.filter(
        (a: string) =>
          /^(s3|ses|sns|dynamodb):/.test(a) &&
          !/^s3:(Get|Put|List)|^ses:Send|^sns:Publish|^dynamodb:GetItem$/.test(a),
      ),
    ).toEqual([]);
  });

  it('refuses a sender outside the sending domains, naming the file and the key', () => {
    const bad = parseEnvConfig(
      FIXTURE,
      readFileSync(FIXTURE, 'utf8').replace('sender: ses-reports@goo.ne.jp', 'sender: reports@example.com'),
    );
    expect(() => renderStack(reportsStack, bad, fakeBundles())).toThrow(
      /reports\.yaml: reports\.sender "reports@example\.com" is not at a domain of ses\.domains \(goo\.ne\.jp, mail\.goo\.ne\.jp\)/,
    );
  });
});
