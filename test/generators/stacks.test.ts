import { describe, expect, it } from 'vitest';
import { evaluationWindowLimit } from '../../generators/lib/resources.js';
import { tierAlarms } from '../../generators/stacks/alarm-catalog.js';
import { alarmsByName, type Json, loadEnv, resourcesOfType, templates } from '../support/templates.js';

const prod = templates('prod');
const dev = templates('dev');
const P = 'ses-migration-production';

function topicParamOf(alarm: Json): string {
  return alarm.Properties.AlarmActions[0].Ref;
}

describe('seed names in the production templates', () => {
  const alarms = alarmsByName(prod);

  it.each([
    `${P}-bounce-rate-alarm`,
    `${P}-complaint-rate-alarm`,
    `${P}-ses-send-failure`,
    `${P}-application-errors`,
    `${P}-ses-critical`,
  ])('has alarm %s', (name) => {
    expect(alarms.has(name)).toBe(true);
  });

  it('has the notification topic, dashboards, log groups and namespace', () => {
    const topics = resourcesOfType(prod, 'AWS::SNS::Topic').map(([, r]) => r.Properties.TopicName);
    expect(topics).toContain(`${P}-notifications`);
    const boards = resourcesOfType(prod, 'AWS::CloudWatch::Dashboard').map(
      ([, r]) => r.Properties.DashboardName,
    );
    expect(boards.sort()).toEqual([
      `${P}-dashboard`,
      `${P}-privacy-admin-dashboard`,
      `${P}-privacy-masked-dashboard`,
      `${P}-tokyo-region-monitoring-dashboard`,
    ]);
    const groups = resourcesOfType(prod, 'AWS::Logs::LogGroup').map(([, r]) => r.Properties.LogGroupName);
    expect(groups).toEqual(
      expect.arrayContaining([
        '/aws/ses/events',
        '/aws/application/ses-migration/production',
        '/aws/monitoring/compliance/japanese/ses-migration/production',
        '/aws/lambda/ses-migration-production-data-masking',
      ]),
    );
    const rate = alarms.get(`${P}-ses-send-failure`).Properties.Metrics.find((m: Json) => m.Id === 'rate')
      .MetricStat.Metric;
    expect(rate).toEqual({ Namespace: 'ses-migration/production/Monitoring', MetricName: 'SendSuccessRate' });
  });
});

describe('alarm tiers (seed 3.2.1-3.2.4)', () => {
  const alarms = alarmsByName(prod);
  const tiers = tierAlarms(loadEnv('prod'));

  it('has all 12 tiers as alarms, each routed to its severity topic and tagged with it', () => {
    expect(tiers).toHaveLength(12);
    for (const t of tiers) {
      const a = alarms.get(t.name);
      expect(a, t.name).toBeDefined();
      expect(a.stack).toBe(t.stack);
      expect(topicParamOf(a)).toBe(`BaseAlarmTopic${t.severity}Arn`);
      expect(a.Properties.OKActions).toEqual(a.Properties.AlarmActions);
      expect(a.Properties.Tags).toContainEqual({ Key: 'Severity', Value: t.severity });
      expect(a.Properties.EvaluationPeriods).toBe(t.evaluationPeriods);
    }
  });

  it.each([
    ['bounce-rate-alarm', 'GreaterThanThreshold', 5, 2],
    ['complaint-rate-alarm', 'GreaterThanThreshold', 0.1, 2],
    ['bounce-reputation', 'GreaterThanThreshold', 0.05, 2],
    ['complaint-reputation', 'GreaterThanThreshold', 0.001, 2],
    ['ses-send-failure', 'LessThanThreshold', 95, 1],
    ['ses-send-failure-p2', 'LessThanThreshold', 98, 2],
    ['ses-send-failure-p3', 'LessThanThreshold', 99, 3],
    ['application-errors-p1', 'GreaterThanThreshold', 50, 1],
    ['application-errors-p2', 'GreaterThanThreshold', 20, 2],
    ['application-errors', 'GreaterThanThreshold', 10, 3],
    ['bounce-rate-p2', 'GreaterThanThreshold', 2, 3],
    ['bounce-rate-p3', 'GreaterThanThreshold', 1, 5],
    ['complaint-rate-p2', 'GreaterThanThreshold', 0.05, 3],
    ['complaint-rate-p3', 'GreaterThanThreshold', 0.01, 5],
  ])('%s: %s %s over %i periods', (suffix, op, threshold, periods) => {
    const a = alarms.get(`${P}-${suffix}`).Properties;
    expect(a.ComparisonOperator).toBe(op);
    expect(a.Threshold).toBe(threshold);
    expect(a.EvaluationPeriods).toBe(periods);
  });

  it('P1 bounce/complaint alarms compare 5-minute rates (volume-guarded), AWS reputation alarms fractions', () => {
    for (const [rate, num] of [
      ['bounce-rate-alarm', 'Bounce'],
      ['complaint-rate-alarm', 'Complaint'],
    ]) {
      const metrics = alarms.get(`${P}-${rate}`).Properties.Metrics;
      expect(metrics.find((m: Json) => m.ReturnData).Expression).toBe(
        'IF(FILL(den, 0) >= 100, 100 * FILL(num, 0) / den)',
      );
      expect(metrics.find((m: Json) => m.Id === 'num').MetricStat).toMatchObject({
        Metric: { MetricName: num },
        Period: 300,
      });
    }
    expect(alarms.get(`${P}-bounce-reputation`).Properties.MetricName).toBe('Reputation.BounceRate');
    expect(alarms.get(`${P}-complaint-reputation`).Properties.MetricName).toBe('Reputation.ComplaintRate');
  });

  it('5-minute rate tiers are guarded by a minimum send volume', () => {
    const metrics = alarms.get(`${P}-bounce-rate-p2`).Properties.Metrics;
    const expr = metrics.find((m: Json) => m.ReturnData).Expression;
    expect(expr).toBe('IF(FILL(den, 0) >= 100, 100 * FILL(num, 0) / den)');
    expect(metrics.find((m: Json) => m.Id === 'num').MetricStat.Metric.MetricName).toBe('Bounce');
  });

  it('send-success tiers are guarded by the sends of the metrics window (3 × the 5-minute minimum)', () => {
    for (const t of tiers.filter((x) => x.family === 'sendSuccessRate')) {
      const metrics = alarms.get(t.name).Properties.Metrics;
      expect(metrics.find((m: Json) => m.ReturnData).Expression).toBe('IF(FILL(volume, 0) >= 300, rate)');
      expect(metrics.find((m: Json) => m.Id === 'volume').MetricStat.Metric.MetricName).toBe('SendVolume');
    }
  });

  it('the heartbeat alarm reads a missing heartbeat as 0 in every period (FILL), not through the evaluation range', () => {
    const metrics = alarms.get(`${P}-metrics-heartbeat`).Properties.Metrics;
    expect(metrics.find((m: Json) => m.ReturnData).Expression).toBe('FILL(beat, 0)');
  });

  it('no success-rate alarm treats missing data as breaching (quiet nights must not page)', () => {
    for (const t of tiers.filter((x) => x.family === 'sendSuccessRate')) {
      expect(alarms.get(t.name).Properties.TreatMissingData).toBe('notBreaching');
    }
    expect(alarms.get(`${P}-metrics-heartbeat`).Properties.TreatMissingData).toBe('breaching');
  });

  it('every alarm in every template keeps Period × EvaluationPeriods within CloudWatch limits', () => {
    for (const tpls of [prod, dev]) {
      for (const [key, a] of resourcesOfType(tpls, 'AWS::CloudWatch::Alarm')) {
        const p = a.Properties;
        const period = p.Period ?? p.Metrics.find((m: Json) => m.MetricStat).MetricStat.Period;
        expect(period * p.EvaluationPeriods, key).toBeLessThanOrEqual(evaluationWindowLimit(period));
        expect(p.DatapointsToAlarm).toBeLessThanOrEqual(p.EvaluationPeriods);
      }
    }
  });

  it('the composite ses-critical lives with its children and waits for them', () => {
    const c = alarms.get(`${P}-ses-critical`);
    expect(c.stack).toBe('ses');
    expect(c.Properties.AlarmRule).toBe(
      [
        `ALARM("${P}-bounce-rate-alarm")`,
        `ALARM("${P}-bounce-reputation")`,
        `ALARM("${P}-complaint-rate-alarm")`,
        `ALARM("${P}-complaint-reputation")`,
      ].join(' OR '),
    );
    expect(c.DependsOn.sort()).toEqual([
      'BounceRateAlarm',
      'BounceReputationAlarm',
      'ComplaintRateAlarm',
      'ComplaintReputationAlarm',
    ]);
  });
});

describe('notification routing (base stack)', () => {
  const base = prod.base;
  it('alarm topics have no subscribers; people subscribe to delivery and escalation topics', () => {
    const subs = resourcesOfType({ base }, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    const subscribed = new Set(subs.map((s: Json) => s.TopicArn.Ref));
    for (const s of ['P1', 'P2', 'P3']) expect(subscribed.has(`AlarmTopic${s}`)).toBe(false);
    expect(subscribed.has('DeliveryTopicP1')).toBe(true);
    expect(
      subs.filter((s: Json) => s.TopicArn.Ref === 'EscalationTopicLevel3').map((s: Json) => s.Endpoint),
    ).toEqual(['ops-manager@goo.ne.jp']);
  });
  it('every topic is KMS-encrypted with the customer-managed key', () => {
    for (const [, t] of resourcesOfType({ base }, 'AWS::SNS::Topic')) {
      expect(t.Properties.KmsMasterKeyId).toEqual({ Ref: 'NotificationsKey' });
    }
  });
  it('development never pages production people', () => {
    const devEmails = resourcesOfType(dev, 'AWS::SNS::Subscription').map(([, r]) => r.Properties.Endpoint);
    const prodEmails = new Set(
      resourcesOfType(prod, 'AWS::SNS::Subscription').map(([, r]) => r.Properties.Endpoint),
    );
    expect(devEmails.length).toBeGreaterThan(0);
    for (const e of devEmails) expect(prodEmails.has(e)).toBe(false);
  });
});

describe('encryption, retention and deletion', () => {
  it('every log group is KMS-encrypted with a valid 7-year retention in prod', () => {
    for (const [key, g] of resourcesOfType(prod, 'AWS::Logs::LogGroup')) {
      expect(g.Properties.KmsKeyId, key).toBeDefined();
      expect(g.Properties.RetentionInDays, key).toBe(2557);
    }
  });
  it('SES events and application logs mask email and IP addresses, findings to the compliance group', () => {
    for (const name of ['/aws/ses/events', '/aws/application/ses-migration/production']) {
      const [, g] = resourcesOfType(prod, 'AWS::Logs::LogGroup').find(
        ([, r]) => r.Properties.LogGroupName === name,
      )!;
      const policy = g.Properties.DataProtectionPolicy;
      const ids = policy.Statement.flatMap((s: Json) => s.DataIdentifier.map((d: Json) => d['Fn::Sub']));
      expect(ids).toContain('arn:${AWS::Partition}:dataprotection::aws:data-identifier/EmailAddress');
      expect(ids).toContain('arn:${AWS::Partition}:dataprotection::aws:data-identifier/IpAddress');
      expect(policy.Statement[0].Operation.Audit.FindingsDestination.CloudWatchLogs.LogGroup).toBe(
        '/aws/monitoring/compliance/japanese/ses-migration/production',
      );
      expect(policy.Statement[1].Operation.Deidentify).toBeDefined();
    }
  });
  it('every bucket is encrypted, versioned, private and TLS-only', () => {
    for (const tpls of [prod, dev]) {
      const policies = resourcesOfType(tpls, 'AWS::S3::BucketPolicy').map(([, r]) => r.Properties);
      for (const [key, b] of resourcesOfType(tpls, 'AWS::S3::Bucket')) {
        const id = key.split('/')[1];
        expect(b.Properties.BucketEncryption, key).toBeDefined();
        expect(b.Properties.VersioningConfiguration.Status).toBe('Enabled');
        expect(Object.values(b.Properties.PublicAccessBlockConfiguration).every(Boolean)).toBe(true);
        const policy = policies.find((p: Json) => p.Bucket.Ref === id);
        expect(policy, `${key} has a bucket policy`).toBeDefined();
        expect(policy.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Sid: 'DenyInsecureTransport',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    }
  });
  it('stateful resources are retained in prod and deletable in dev', () => {
    for (const type of ['AWS::Logs::LogGroup', 'AWS::KMS::Key', 'AWS::S3::Bucket']) {
      for (const [key, r] of resourcesOfType(prod, type)) expect(r.DeletionPolicy, key).toBe('Retain');
      for (const [key, r] of resourcesOfType(dev, type)) expect(r.DeletionPolicy, key).toBe('Delete');
    }
  });
  it('the archive raw and error prefixes are readable only by the admin role (and Firehose)', () => {
    const policy = prod['enhanced-kinesis'].Resources.ArchiveBucketPolicy.Properties.PolicyDocument;
    const st = policy.Statement.find((s: Json) => s.Sid === 'RawAndErrorPrefixesAdminOnly');
    expect(st.Effect).toBe('Deny');
    expect(st.Resource.map((r: Json) => r['Fn::Sub'])).toEqual([
      '${ArchiveBucket.Arn}/raw/*',
      '${ArchiveBucket.Arn}/errors/*',
    ]);
    expect(st.Condition.ArnNotEquals['aws:PrincipalArn'][0]['Fn::Sub']).toContain(
      ':role/ses-migration-production-admin',
    );
    const stream =
      prod['enhanced-kinesis'].Resources.DeliveryStream.Properties.ExtendedS3DestinationConfiguration;
    expect(stream.ErrorOutputPrefix.startsWith('errors/')).toBe(true);
    expect(stream.S3BackupConfiguration.Prefix.startsWith('raw/')).toBe(true);
    expect(stream.Prefix.startsWith('masked/')).toBe(true);
  });
});

describe('IAM scope', () => {
  // Metadata reads (and drift detection) may take "*"; reads of data (archive objects, items, log events) never.
  const METADATA_READ =
    /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$|^cloudformation:DetectStack(Resource)?Drift$|^logs:StopQuery$|^cloudtrail:LookupEvents$/;
  const DATA_READ =
    /^(s3:GetObject|dynamodb:(GetItem|BatchGetItem|Query|Scan)|logs:(GetLogEvents|FilterLogEvents|StartQuery|Unmask)|ssm:GetParameter|secretsmanager:GetSecretValue|kms:Decrypt)/;
  it('no statement allows every action, and "*" resources only for actions without resource-level permissions', () => {
    for (const tpls of [prod, dev]) {
      const roles = [
        ...resourcesOfType(tpls, 'AWS::IAM::Role'),
        ...resourcesOfType(tpls, 'AWS::IAM::ManagedPolicy'),
      ];
      for (const [key, r] of roles) {
        const docs = r.Properties.Policies?.map((p: Json) => p.PolicyDocument) ?? [
          r.Properties.PolicyDocument,
        ];
        for (const st of docs.flatMap((d: Json) => d.Statement)) {
          const actions = [st.Action].flat();
          expect(actions, key).not.toContain('*');
          if (st.Effect === 'Allow' && st.Resource === '*') {
            for (const a of actions) {
              expect(a, `${key} ${st.Sid}`).toMatch(METADATA_READ);
              expect(a, `${key} ${st.Sid}`).not.toMatch(DATA_READ);
            }
          }
        }
      }
    }
  });
  it('sending is limited to identities of the account, the configuration set, From addresses and CIDRs', () => {
    const doc = prod.security.Resources.SendingPolicy.Properties.PolicyDocument;
    const allow = doc.Statement[0];
    expect(allow.Resource.map((r: Json) => r['Fn::Sub'])).toEqual([
      // SES authorizes the identity of the From address: the From condition names the domains (issue #14).
      'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*',
      'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/ses-migration-production-config-set',
    ]);
    expect(allow.Condition.StringLike['ses:FromAddress']).toEqual(['*@goo.ne.jp']);
    expect(doc.Statement[1].Condition.NotIpAddress['aws:SourceIp']).toEqual(['203.0.113.0/24']);
    expect(dev.security.Resources.SendingPolicy.Properties.PolicyDocument.Statement).toHaveLength(1);
  });
  it('only the admin role may unmask logs; the monitoring role is denied unmask and raw archives', () => {
    const admin = JSON.stringify(prod.security.Resources.AdminRole.Properties.Policies);
    const mon = prod.security.Resources.MonitoringRole.Properties.Policies[0].PolicyDocument.Statement;
    expect(admin).toContain('logs:Unmask');
    expect(
      mon.filter((s: Json) => s.Effect === 'Allow').flatMap((s: Json) => [s.Action].flat()),
    ).not.toContain('logs:Unmask');
    expect(mon).toContainEqual(
      expect.objectContaining({ Sid: 'NeverUnmask', Effect: 'Deny', Action: 'logs:Unmask' }),
    );
    expect(mon.find((s: Json) => s.Sid === 'NeverReadRawArchive').Effect).toBe('Deny');
  });
  it('archive reads are recorded by CloudTrail data events in prod', () => {
    const trail = prod.security.Resources.ArchiveAccessTrail.Properties;
    expect(trail.AdvancedEventSelectors[0].FieldSelectors).toContainEqual({
      Field: 'resources.type',
      Equals: ['AWS::S3::Object'],
    });
    expect(trail.EnableLogFileValidation).toBe(true);
    expect(dev.security.Resources.ArchiveAccessTrail).toBeUndefined();
  });
  it('no private key or DKIM signing attribute appears in any template', () => {
    for (const tpls of [prod, dev]) {
      const text = JSON.stringify(tpls);
      expect(text).not.toMatch(/PRIVATE KEY|"DkimSigningAttributes"|"DomainSigningPrivateKey"/);
    }
  });
});

describe('SES stack', () => {
  it('identities use the configuration set by default; destinations cover CloudWatch per configuration set (not per domain), EventBridge, Firehose', () => {
    const r = prod.ses.Resources;
    expect(r.GooNeJpIdentity.Properties.ConfigurationSetAttributes).toEqual({
      ConfigurationSetName: { Ref: 'ConfigurationSet' },
    });
    expect(r.ConfigurationSet.Properties.ReputationOptions.ReputationMetricsEnabled).toBe(true);
    // One dimension value per configuration set: the destination's metrics do not grow with domains (issue #14).
    expect(
      r.CloudWatchDestination.Properties.EventDestination.CloudWatchDestination.DimensionConfigurations,
    ).toEqual([
      {
        DimensionName: 'ses:configuration-set',
        DimensionValueSource: 'messageTag',
        DefaultDimensionValue: 'ses-migration-production-config-set',
      },
    ]);
    expect(r.EventBridgeDestination.Properties.EventDestination.EventBridgeDestination).toBeDefined();
    expect(
      r.FirehoseDestination.Properties.EventDestination.KinesisFirehoseDestination.DeliveryStreamARN,
    ).toEqual({
      Ref: 'EnhancedKinesisDeliveryStreamArn',
    });
    expect(r.SesEventsRule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': ['SesEventsLogGroup', 'Arn'] });
  });
});

describe('saved queries', () => {
  it('use valid Logs Insights functions and real field paths (no case/substring/indexOf/SOURCE)', () => {
    const queries = resourcesOfType(prod, 'AWS::Logs::QueryDefinition').map(([, r]) => r.Properties);
    expect(queries.length).toBeGreaterThanOrEqual(7);
    for (const q of queries) {
      expect(q.QueryString).not.toMatch(/\bcase\b|substring\(|indexOf\(|SOURCE /i);
      expect(q.QueryLanguage).toBe('CWLI');
      expect(q.LogGroupNames.length).toBeGreaterThan(0);
    }
    const admin = queries.filter((q: Json) => q.Name.includes('/admin/'));
    expect(admin.length).toBe(2);
    for (const q of admin) expect(q.QueryString).toContain('unmask(@message)');
  });
  it('the dashboard log widget reads the SES event group with SOURCE', () => {
    const body = prod.monitoring.Resources.MainDashboard.Properties.DashboardBody['Fn::Sub'];
    expect(JSON.parse(body).widgets.find((w: Json) => w.type === 'log').properties.query).toMatch(
      /^SOURCE '\/aws\/ses\/events'/,
    );
  });
});

describe('monitoring functions (issue: handlers)', () => {
  const r = prod.monitoring.Resources;
  it('the notifier reads all three alarm topics and falls back to the P1 delivery topic on failure', () => {
    for (const s of ['P1', 'P2', 'P3']) {
      expect(r[`NotifierSubscription${s}`].Properties).toMatchObject({
        Protocol: 'lambda',
        TopicArn: { Ref: `BaseAlarmTopic${s}Arn` },
      });
      expect(r[`NotifierInvokeFrom${s}`].Properties.SourceArn).toEqual({ Ref: `BaseAlarmTopic${s}Arn` });
    }
    expect(r.NotifierInvokeConfig.Properties.DestinationConfig.OnFailure.Destination).toEqual({
      Ref: 'BaseDeliveryTopicP1Arn',
    });
    expect(r.NotifierFunction.Properties.Environment.Variables).toMatchObject({
      P1_RENOTIFY_MINUTES: '15',
      P2_AUTO_ESCALATE_MINUTES: '',
      EPISODE_TABLE_NAME: { Ref: 'AlarmEpisodesTable' },
      SCEPTRE_ENVIRONMENT: 'prod',
    });
  });

  it('keeps alarm episodes in a TTL table the notifier may read and update, and responders get a policy for it', () => {
    expect(r.AlarmEpisodesTable.Properties).toMatchObject({
      TableName: 'ses-migration-production-alarm-episodes',
      KeySchema: [
        { AttributeName: 'alarm', KeyType: 'HASH' },
        { AttributeName: 'episode', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(r.AlarmEpisodesTable.DeletionPolicy).toBe('Retain');
    const notifier = r.NotifierRole.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: Record<string, unknown>[] } }) => p.PolicyDocument.Statement,
    );
    expect(notifier).toContainEqual({
      Sid: 'ReadAndRecordAlarmEpisodes',
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      Resource: { 'Fn::GetAtt': ['AlarmEpisodesTable', 'Arn'] },
    });
    const oncall = r.OncallPolicy.Properties;
    expect(oncall.ManagedPolicyName).toBe('ses-migration-production-oncall');
    expect(oncall.PolicyDocument.Statement[1]).toMatchObject({
      Action: ['dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
      Resource: { 'Fn::GetAtt': ['AlarmEpisodesTable', 'Arn'] },
    });
  });
  it('functions run nodejs24.x from content-addressed bundles, with their own encrypted log group and schedules in Tokyo time', () => {
    for (const id of ['MetricsFunction', 'NotifierFunction']) {
      const f = r[id].Properties;
      expect(f.Runtime).toBe('nodejs24.x');
      expect(f.Code.S3Key).toMatch(/^handlers\/[a-z-]+\/[0-9a-f]{64}\.zip$/);
      expect(f.LoggingConfig.LogGroup.Ref).toBe(id.replace('Function', 'LogGroup'));
      expect(f.ReservedConcurrentExecutions).toBeUndefined();
    }
    for (const id of ['MetricsSchedule', 'EscalationSchedule']) {
      expect(r[id].Properties.ScheduleExpressionTimezone).toBe('Asia/Tokyo');
    }
    expect(r.EscalationSchedule.Properties.ScheduleExpression).toBe('cron(0/5 * * * ? *)');
    // Two minutes past each boundary: the per-domain window (the 5 minutes just ended) has reached the log group.
    expect(r.MetricsSchedule.Properties.ScheduleExpression).toBe('cron(2/5 * * * ? *)');
    const metricsPolicy = JSON.stringify(r.MetricsRole.Properties.Policies);
    expect(metricsPolicy).toContain('logs:StartQuery');
    expect(metricsPolicy).toContain(':log-group:/aws/ses/events');
    expect(r.MetricsFunction.Properties.Environment.Variables).toMatchObject({
      SES_EVENTS_LOG_GROUP: '/aws/ses/events',
      MINIMUM_SEND_VOLUME: '100',
    });
    expect(r.MetricsFunction.Properties.Environment.Variables).not.toHaveProperty('DOMAINS_JSON');
    // Per-domain detection: the account-wide tiers' thresholds and periods on the worst rated domain's rate.
    for (const [family, metric] of [
      ['Bounce', 'WorstDomainBounceRate'],
      ['Complaint', 'WorstDomainComplaintRate'],
    ] as const) {
      const tiers = loadEnv('prod').alarms[family === 'Bounce' ? 'bounceRate' : 'complaintRate'];
      for (const s of ['P1', 'P2', 'P3'] as const) {
        const a = r[`WorstDomain${family}Rate${s}Alarm`].Properties;
        expect(a).toMatchObject({
          AlarmName: `ses-migration-production-worst-domain-${family.toLowerCase()}-rate-${s.toLowerCase()}`,
          MetricName: metric,
          Namespace: 'ses-migration/production/Monitoring',
          Statistic: 'Maximum',
          Period: 300,
          Threshold: tiers[s].threshold,
          EvaluationPeriods: tiers[s].evaluationPeriods,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        });
        expect(a.Dimensions).toBeUndefined();
      }
    }
    expect(r.MetricsFunction.Properties.Environment.Variables.METRICS_NAMESPACE).toBe(
      'ses-migration/production/Monitoring',
    );
  });
  it('every function has error and throttle alarms', () => {
    const names = [...alarmsByName(prod).keys()];
    for (const fn of ['custom-metrics', 'notifier', 'data-masking']) {
      expect(names).toContain(`${P}-${fn}-errors`);
      expect(names).toContain(`${P}-${fn}-throttles`);
    }
  });
});

describe('drift detection inside AWS (issue: operations tooling)', () => {
  const r = prod.monitoring.Resources;
  it('runs weekly in Tokyo time over every stack of the environment, reports to S3 and the P3/P2 delivery topics', () => {
    const env = r.DriftDetectionFunction.Properties.Environment.Variables;
    expect(env.STACK_NAMES.split(',')).toEqual(
      expect.arrayContaining([
        'ses-migration-prod-base',
        'ses-migration-prod-ses',
        'ses-migration-prod-byodkim',
      ]),
    );
    expect(env.TOPIC_P2_ARN).toEqual({ Ref: 'BaseDeliveryTopicP2Arn' });
    expect(env.TOPIC_P3_ARN).toEqual({ Ref: 'BaseDeliveryTopicP3Arn' });
    expect(r.DriftDetectionSchedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 9 ? * MON *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
    });
    const actions = r.DriftDetectionRole.Properties.Policies[0].PolicyDocument.Statement.flatMap((s: Json) =>
      [s.Action].flat(),
    );
    expect(actions).toEqual(
      expect.arrayContaining(['cloudformation:DetectStackDrift', 'ses:GetEmailIdentity', 'iam:GetRole']),
    );
    expect(actions).not.toContain('s3:GetObject');
  });
});

describe('GitHub drift role (security stack, optional)', () => {
  it('trusts only the configured repository and branch through GitHub OIDC, and may read but not write', () => {
    const role = prod.security.Resources.GitHubDriftRole.Properties;
    const trust = role.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(trust.Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:goo-ne-jp/ses-migration-ops:ref:refs/heads/main',
    });
    const actions: string[] = role.Policies[0].PolicyDocument.Statement[0].Action;
    expect(actions).toContain('cloudformation:GetTemplate');
    expect(actions.filter((a) => !/:(Describe|Get|List|Detect)/.test(a))).toEqual([]);
    expect(prod.security.Resources.GitHubOidcProvider.Properties.Url).toBe(
      'https://token.actions.githubusercontent.com',
    );
    expect(dev.security.Resources.GitHubDriftRole).toBeUndefined();
  });
});

describe('Firehose prefixes', () => {
  it('every error prefix with expressions names the error output type (Firehose rejects it otherwise) and stays under errors/', () => {
    const dest =
      prod['enhanced-kinesis'].Resources.DeliveryStream.Properties.ExtendedS3DestinationConfiguration;
    for (const prefix of [dest.ErrorOutputPrefix, dest.S3BackupConfiguration.ErrorOutputPrefix]) {
      expect(prefix).toMatch(/^errors\//);
      expect(prefix).toContain('!{firehose:error-output-type}');
    }
  });
});
