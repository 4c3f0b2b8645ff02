/**
 * monitoring (seed 1.2, 2.1.2, 2.2, 3.1.3, 3.1.4, 3.2.1-3.2.4, 4): the application and compliance log groups,
 * the tier alarms not owned by the SES stack, the metrics heartbeat, dashboards and saved Logs Insights queries,
 * and the monitoring functions. One module per concern: alarms.ts, queries.ts, functions.ts, ../dashboards.ts.
 */
import type { DashboardProperties } from 'cloudform-types/types/cloudWatch/dashboard';
import type { MetricFilterProperties } from 'cloudform-types/types/logs/metricFilter';
import { METRICS } from '../../../contracts/metrics.js';
import type { CfnResource } from '../../lib/cfn.js';
import { logicalIds } from '../../lib/logical-id.js';
import { logGroup, res } from '../../lib/resources.js';
import { type AlarmRef, type StackContext, type StackDefinition, sub } from '../../lib/template.js';
import { alarmHistoryResources } from '../alarm-history.js';
import { dashboards } from '../dashboards.js';
import { oncallResources } from '../oncall.js';
import { monitoringAlarms } from './alarms.js';
import { monitoringFunctions } from './functions.js';
import { queryResources } from './queries.js';

const ID = logicalIds(
  'ComplianceLogGroup',
  'ApplicationLogGroup',
  'ApplicationErrorsMetricFilter',
  'MainDashboard',
  'TokyoRegionDashboard',
  'PrivacyAdminDashboard',
  'PrivacyMaskedDashboard',
);

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const ns = n.namespace.monitoring;

  resources[ID.ComplianceLogGroup.id] = logGroup(ctx, n.logGroup.compliance);
  resources[ID.ApplicationLogGroup.id] = {
    ...logGroup(ctx, n.logGroup.application, { mask: true }),
    DependsOn: [ID.ComplianceLogGroup.id],
  };
  resources[ID.ApplicationErrorsMetricFilter.id] = res<MetricFilterProperties & { FilterName?: string }>(
    'AWS::Logs::MetricFilter',
    {
      FilterName: `${n.prefix}-application-errors`,
      LogGroupName: ID.ApplicationLogGroup.ref,
      FilterPattern: cfg.logs.applicationErrorFilterPattern,
      MetricTransformations: [
        {
          MetricNamespace: ns,
          MetricName: METRICS.applicationErrors.name,
          MetricValue: '1',
          Unit: METRICS.applicationErrors.unit,
        },
      ],
    },
  );

  const alarms = monitoringAlarms(ctx);
  Object.assign(resources, alarms.resources);
  const alarmNames = alarms.alarmNames;

  // Every alarm of the environment (second rendering pass); the first pass knows only its own.
  const environmentAlarms: readonly AlarmRef[] =
    ctx.environmentAlarms ?? alarmNames.map((name) => ({ name, severity: undefined, stack: 'monitoring' }));
  const boards = dashboards(cfg, environmentAlarms);
  // Fn::Sub only where the body names the account (alarm ARNs, the archive bucket): cfn-lint W1020 otherwise.
  const dashboard = (name: string, b: unknown) => {
    const text = JSON.stringify(b);
    return res<DashboardProperties>('AWS::CloudWatch::Dashboard', {
      DashboardName: name,
      DashboardBody: text.includes('${') ? sub(text) : text,
    });
  };
  resources[ID.MainDashboard.id] = dashboard(n.dashboard.main, boards.main);
  resources[ID.TokyoRegionDashboard.id] = dashboard(n.dashboard.tokyo, boards.tokyo);
  resources[ID.PrivacyAdminDashboard.id] = dashboard(n.dashboard.privacyAdmin, boards.privacyAdmin);
  resources[ID.PrivacyMaskedDashboard.id] = dashboard(n.dashboard.privacyMasked, boards.privacyMasked);

  Object.assign(resources, queryResources(n));

  Object.assign(resources, monitoringFunctions(ctx), oncallResources(ctx), alarmHistoryResources(ctx));

  return {
    description:
      'log groups, tier alarms, heartbeat, dashboards, saved queries, metrics and notifier functions',
    resources,
    outputs: {
      ApplicationLogGroupName: {
        value: ID.ApplicationLogGroup.ref,
        description: 'Application log group',
      },
      ComplianceLogGroupName: {
        value: ID.ComplianceLogGroup.ref,
        description: 'Data-protection findings',
      },
    },
  };
}

export const monitoringStack: StackDefinition = {
  id: 'monitoring',
  purpose: 'Log groups, tier alarms, heartbeat, dashboards, saved queries, metrics and notifier functions',
  handlers: ['metrics', 'notifier', 'drift-detection'],
  build,
  showsEnvironmentAlarms: true,
};
