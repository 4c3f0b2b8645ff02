import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnvConfig } from '../../generators/config/load.js';
import { renderStack } from '../../generators/lib/template.js';
import { byodkimStack } from '../../generators/stacks/byodkim.js';
import { parseDeadlines, parseDomains } from '../../handlers/byodkim/core/config.js';
import { configObjects, fakeBundles, type Json, loadEnv, templates } from '../support/templates.js';

const P = 'ses-migration-production';
const prod = templates('prod').byodkim as Json;
const dev = templates('dev').byodkim as Json;
const resources = (t: Json) => Object.entries(t.Resources as Record<string, Json>);
const ofType = (t: Json, type: string) => resources(t).filter(([, r]) => r.Type === type);

describe('byodkim stack', () => {
  it('has the seed-named alarms, all in the one BYODKIM namespace without dimensions', () => {
    const alarms = ofType(prod, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const names = alarms.map((a) => a.AlarmName);
    for (const n of [
      'byodkim-verification-failed',
      'byodkim-key-rotation',
      'kms-key-generation-failed',
      'dns-inconsistency',
    ]) {
      expect(names).toContain(`${P}-${n}`);
    }
    const own = alarms.filter((a) => a.Namespace !== 'AWS/Lambda');
    expect(new Set(own.map((a) => a.Namespace))).toEqual(new Set(['ses-migration/production/BYODKIM']));
    expect(own.every((a) => a.Dimensions === undefined)).toBe(true);
    const failed = alarms.find((a) => a.AlarmName === `${P}-byodkim-verification-failed`);
    expect(failed).toMatchObject({
      MetricName: 'BYODKIMVerificationFailed',
      Statistic: 'Maximum',
      Threshold: 1,
    });
  });

  it('uses a symmetric KMS key with rotation, and five seed-named functions', () => {
    const [[, key]] = ofType(prod, 'AWS::KMS::Key') as [[string, Json]];
    expect(key.Properties.KeySpec ?? 'SYMMETRIC_DEFAULT').toBe('SYMMETRIC_DEFAULT');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const fns = ofType(prod, 'AWS::Lambda::Function')
      .map(([, r]) => r.Properties.FunctionName)
      .sort();
    expect(fns).toEqual(
      [
        'dkim-key-generator',
        'dkim-rotation-orchestrator',
        'notification-manager',
        'ses-config-updater',
        'validation-monitor',
      ].map((f) => `${P}-${f}`),
    );
  });

  it('schedules in Asia/Tokyo with the JSON inputs the handlers accept', () => {
    const schedules = ofType(prod, 'AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules.every((s) => s.ScheduleExpressionTimezone === 'Asia/Tokyo')).toBe(true);
    expect(
      schedules.map((s) => JSON.parse(s.Target.Input)).sort((a, b) => a.action.localeCompare(b.action)),
    ).toEqual([{ action: 'check' }, { action: 'tick' }]);
  });

  it('hands the functions the key of a domain list object their config parser accepts, not the list', () => {
    const [[, fn]] = ofType(prod, 'AWS::Lambda::Function').filter(
      ([id]) => id === 'OrchestratorFunction',
    ) as [[string, Json]];
    const vars = fn.Properties.Environment.Variables;
    expect(vars.DOMAINS_JSON).toBeUndefined();
    expect(vars.CONFIG_BUCKET).toEqual({ Ref: 'BaseArtifactsBucketName' });
    const body = configObjects().get(vars.DOMAINS_CONFIG_KEY);
    expect(body, `no object ${vars.DOMAINS_CONFIG_KEY}`).toBeDefined();
    expect(parseDomains(body!)[0]).toMatchObject({ domain: 'goo.ne.jp' });
    expect(vars.METRICS_NAMESPACE).toBe('ses-migration/production/BYODKIM');
  });

  it('lets exactly the four functions that handle domains read their domain list object (its versions only)', () => {
    const readers = ofType(prod, 'AWS::IAM::Role')
      .filter(([, r]) => JSON.stringify(r.Properties.Policies).includes('s3:GetObject'))
      .map(([id, r]) => {
        const st = (r.Properties.Policies as Json[])
          .flatMap((p) => p.PolicyDocument.Statement as Json[])
          .find((x) => x.Action === 's3:GetObject');
        return [id, st.Resource['Fn::Sub'][0]];
      });
    const [[, fn]] = ofType(prod, 'AWS::Lambda::Function').filter(
      ([id]) => id === 'OrchestratorFunction',
    ) as [[string, Json]];
    const key = fn.Properties.Environment.Variables.DOMAINS_CONFIG_KEY;
    expect(Object.fromEntries(readers)).toEqual(
      Object.fromEntries(
        ['OrchestratorRole', 'KeyGeneratorRole', 'SesConfigUpdaterRole', 'ValidationMonitorRole'].map(
          (id) => [id, `arn:\${AWS::Partition}:s3:::\${Bucket}/${key.replace(/[0-9a-f]{64}\.json$/, '*')}`],
        ),
      ),
    );
  });

  it('contains no key material and declares no DKIM signing attributes', () => {
    const body = JSON.stringify([prod, dev]);
    expect(body).not.toMatch(
      /PRIVATE KEY|"DomainSigningPrivateKey"|"DkimSigningAttributes"|MII[A-Za-z0-9+/]{40}/,
    );
  });

  it('gives SES write and KMS Decrypt only to the orchestrator and the SES config updater', () => {
    const roles = Object.fromEntries(
      ofType(prod, 'AWS::IAM::Role').map(([id, r]) => [id, JSON.stringify(r.Properties.Policies ?? [])]),
    );
    const withPut = Object.keys(roles).filter((id) =>
      roles[id]!.includes('PutEmailIdentityDkimSigningAttributes'),
    );
    expect(withPut.sort()).toEqual(['OrchestratorRole', 'SesConfigUpdaterRole']);
    const withDecrypt = ofType(prod, 'AWS::IAM::Role')
      .filter(([, r]) =>
        (r.Properties.Policies as Json[]).some((p) =>
          (p.PolicyDocument.Statement as Json[]).some(
            (st) =>
              [st.Action].flat().includes('kms:Decrypt') &&
              JSON.stringify(st.Resource).includes('ByodkimKey'),
          ),
        ),
      )
      .map(([id]) => id);
    expect(withDecrypt.sort()).toEqual(['OrchestratorRole', 'SesConfigUpdaterRole']);
    expect(Object.values(roles).some((p) => p.includes('route53'))).toBe(false);
  });

  it('allows Route 53 TXT changes under _domainkey only for domains with a hosted zone', () => {
    const cfg = loadEnv('dev');
    const withZone = {
      ...cfg,
      ses: { ...cfg.ses, domains: [{ ...cfg.ses.domains[0]!, hostedZoneId: 'Z0123456789ABC' }] },
    };
    const rendered = renderStack(byodkimStack, withZone, fakeBundles());
    const t = rendered.template as Json;
    const role = JSON.stringify(t.Resources.OrchestratorRole.Properties.Policies);
    expect(role).toContain('hostedzone/Z0123456789ABC');
    // One record-name pattern in the configured zones, whatever the domain count (issue #14).
    expect(role).toContain('"*._domainkey.*"');
    const key = t.Resources.OrchestratorFunction.Properties.Environment.Variables.DOMAINS_CONFIG_KEY;
    expect(JSON.parse(rendered.configObjects.get(key)!)).toEqual([
      {
        domain: 'dev.goo.ne.jp',
        rotationIntervalDays: 180,
        hostedZoneId: 'Z0123456789ABC',
        rotationSpreadDays: cfg.byodkim.rotationSpreadDays,
      },
    ]);
  });
});

describe('byodkim alarms: events and deadlines (#10 item 4)', () => {
  const alarm = (suffix: string) =>
    ofType(prod, 'AWS::CloudWatch::Alarm')
      .map(([, r]) => r.Properties)
      .find((a) => a.AlarmName === `${P}-${suffix}`)!;

  it('event alarms never send a recovery; a completed rotation sends only its own notice', () => {
    for (const s of ['byodkim-rotation-failed', 'kms-key-generation-failed']) {
      expect(alarm(s).AlarmActions, s).toHaveLength(1);
      expect(alarm(s).OKActions ?? [], s).toEqual([]);
    }
    expect(alarm('byodkim-key-rotation').AlarmActions).toEqual([]);
    expect(alarm('byodkim-key-rotation').OKActions ?? []).toEqual([]);
    // State alarms keep their recovery notice.
    expect(alarm('byodkim-verification-failed').OKActions).toHaveLength(1);
  });

  it('the pending alarm fires before the rollback; deadlines come from the environment file', () => {
    const cfg = loadEnv('prod').byodkim;
    const pending = alarm('byodkim-pending-72h');
    expect(pending.Threshold).toBe(cfg.pendingAlarmHours);
    // Above the threshold at ticks T+1 and T+2; both hourly periods closed at T+3 h: before the rollback tick.
    expect(pending.Threshold + 3).toBeLessThan(cfg.verificationTimeoutHours);
    expect(pending.EvaluationPeriods * pending.Period).toBe(2 * 3600);
    expect(alarm('byodkim-dns-not-published-48h').Threshold).toBe(cfg.dnsDeadlineHours);
    expect(alarm('byodkim-old-record-7d').Threshold).toBe(cfg.oldRecordDeadlineDays);
    const fn = ofType(prod, 'AWS::Lambda::Function').find(([id]) => id === 'OrchestratorFunction')![1];
    const deadlines = JSON.parse(fn.Properties.Environment.Variables.DEADLINES_JSON);
    // The spread and the DNS mail sender travel on their own (DOMAINS_JSON, DNS_REQUEST_SENDER).
    const { rotationSpreadDays: _s, dnsRequestSender: _f, ...deadlineCfg } = cfg;
    expect(deadlines).toEqual(deadlineCfg);
    expect(parseDeadlines(fn.Properties.Environment.Variables.DEADLINES_JSON).verificationTimeoutHours).toBe(
      72,
    );
  });

  it('refuses a pending alarm threshold that would fire only with or after the rollback', () => {
    const text = readFileSync('test/fixtures/environments/prod.yaml', 'utf8');
    const bad = `${text}\nbyodkim:\n  verificationTimeoutHours: 48\n  pendingAlarmHours: 46\n`;
    expect(() => parseEnvConfig('environments/prod.yaml', bad)).toThrow(/pendingAlarmHours must be at most/);
  });
});
