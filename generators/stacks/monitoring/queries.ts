/** Saved Logs Insights queries of the monitoring stack (seed 2.2.2-2.2.5, 4.2.1, 4.2.2, 4.3.2). */
import type { QueryDefinitionProperties } from 'cloudform-types/types/logs/queryDefinition';
import type { Names } from '../../../contracts/names.js';
import type { CfnResource } from '../../lib/cfn.js';
import { res } from '../../lib/resources.js';

/** The queries, on the real SES event field paths. */
export function savedQueries(n: Names): { id: string; name: string; groups: string[]; query: string }[] {
  const ses = [n.logGroup.sesEvents];
  const only = (types: string[]) => `| filter ${types.map((t) => `detail.eventType = "${t}"`).join(' or ')}`;
  const typeFields =
    'detail.eventType as eventType, detail.bounce.bounceType as bounceType,\n' +
    '  detail.complaint.complaintFeedbackType as complaintFeedbackType';
  // Admins see originals only through unmask(): the log group's data-protection policy masks query results too.
  const adminFields = `fields @timestamp, ${typeFields},\n  unmask(@message) as original`;
  const maskedRecipient =
    'concat(substr(`detail.mail.destination.0`, 0, 1), "***@***.***") as maskedDestination';
  const recent = [only(['Bounce', 'Complaint', 'Delivery']), '| sort @timestamp desc', '| limit 100'];
  const q = (id: string, name: string, groups: string[], lines: string[]) => ({
    id,
    name: n.query(name),
    groups,
    query: lines.join('\n'),
  });
  return [
    q('AdminSesAnalysis', 'admin/ses-analysis', ses, [adminFields, ...recent]),
    q('MaskedSesAnalysis', 'ses-analysis-masked', ses, [
      `fields @timestamp, ${typeFields},\n  ${maskedRecipient}`,
      only(['Bounce', 'Complaint', 'Delivery']),
      '| stats count() as events by eventType, maskedDestination, bounceType, complaintFeedbackType',
      '| sort events desc',
      '| limit 100',
    ]),
    q('DeliveryPerformance', 'delivery-performance', ses, [
      'filter detail.eventType = "Delivery"',
      '| stats avg(detail.delivery.processingTimeMillis) as avgProcessingTime,',
      '    max(detail.delivery.processingTimeMillis) as maxProcessingTime,',
      '    min(detail.delivery.processingTimeMillis) as minProcessingTime,',
      '    pct(detail.delivery.processingTimeMillis, 90) as p90ProcessingTime,',
      '    count() as totalDeliveries by bin(1h) as hour',
      '| sort hour desc',
    ]),
    q('ErrorAnalysis', 'error-analysis', ses, [
      `fields @timestamp, ${typeFields}`,
      only(['Bounce', 'Complaint', 'Reject']),
      '| stats count() as events by eventType, bounceType, complaintFeedbackType',
      '| sort events desc',
    ]),
    q('AdminRecentEvents', 'admin/recent-events', ses, [adminFields, ...recent]),
    q('MaskedRecentEvents', 'recent-events-masked', ses, [
      `fields @timestamp, ${typeFields},\n  ${maskedRecipient}`,
      ...recent,
    ]),
    q(
      'ComplianceJapanese',
      'compliance-japanese',
      [n.logGroup.compliance],
      // The group receives the data-protection audit findings of the PII log groups (one report per log event,
      // at most two identifiers: EmailAddress, IpAddress): which group held how much personal data, of which kind.
      [
        'fields resourceArn, dataIdentifiers.0.name as identifier1, dataIdentifiers.0.count as count1,',
        '  dataIdentifiers.1.name as identifier2, dataIdentifiers.1.count as count2',
        '| stats count(*) as events, sum(count1) as findings1, sum(count2) as findings2',
        '    by resourceArn, identifier1, identifier2',
        '| sort events desc',
      ],
    ),
    // The seed's intent for 4.3.2 (log levels by stream) on the log group that has application log levels.
    q(
      'ApplicationLogLevels',
      'application-log-levels',
      [n.logGroup.application],
      [
        'fields @timestamp, @message, @logStream',
        '| parse @message /(?<lvl>ERROR|WARNING|WARN|INFO|DEBUG)/',
        '| filter ispresent(lvl)',
        '| stats count(*) as events by lvl, @logStream',
        '| sort events desc',
      ],
    ),
  ];
}

/** One AWS::Logs::QueryDefinition per saved query. */
export function queryResources(n: Names): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = {};
  for (const q of savedQueries(n)) {
    resources[`${q.id}Query`] = res<QueryDefinitionProperties & { QueryLanguage: string }>(
      'AWS::Logs::QueryDefinition',
      { Name: q.name, QueryString: q.query, LogGroupNames: q.groups, QueryLanguage: 'CWLI' },
    );
  }

  return resources;
}
