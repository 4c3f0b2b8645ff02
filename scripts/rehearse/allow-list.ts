/**
 * The reviewed allow-list of the rehearsal: emulator log lines about fallbacks and failures that are known and
 * accepted, each with the reason. Any other such line fails `npm run rehearse`. Review before adding a line: a
 * new entry means the rehearsal proves less than before, and docs/rehearsal.md must say so.
 */
const fallback = (type: string, reason: string) => ({
  pattern: new RegExp(
    `Deployment of resource type ${type.replaceAll(':', '\\:')} succeeded, but will fail in upcoming LocalStack releases`,
  ),
  reason,
  type,
});

/** Resource types LocalStack's open-source core accepts without creating anything (faked). */
export const FAKED_TYPES: readonly {
  readonly pattern: RegExp;
  readonly reason: string;
  readonly type: string;
}[] = [
  fallback(
    'AWS::CloudWatch::Dashboard',
    'no dashboards in the open-source core; cfn-lint checks their JSON body',
  ),
  fallback('AWS::Logs::MetricFilter', 'no metric filters; the filter pattern is checked by cfn-lint only'),
  fallback('AWS::Logs::QueryDefinition', 'no saved queries; their syntax is reviewed, not executed'),
  fallback('AWS::Logs::ResourcePolicy', 'no Logs resource policies (EventBridge -> /aws/ses/events)'),
  fallback('AWS::SES::ConfigurationSet', 'the SES v2 configuration set is not emulated'),
  fallback('AWS::SES::ConfigurationSetEventDestination', 'SES event destinations are not emulated'),
];

export const ALLOWED_LOG_LINES: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
  ...FAKED_TYPES,
];

/** Log lines that speak of a fallback, an unsupported resource or a failure. */
export function suspiciousLogLines(log: string): string[] {
  return log
    .split('\n')
    .filter((l) =>
      /unsupported|not supported|fallback|will fail in upcoming|CREATE_FAILED|UPDATE_FAILED|DELETE_FAILED|\bERROR\b|Traceback/i.test(
        l,
      ),
    )
    .map((l) => l.trim());
}
