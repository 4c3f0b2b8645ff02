/**
 * Expectations derived from the CloudFormation resource schemas: each drift role may call every read-handler
 * permission of every resource type in the fixture templates, on a resource of that type (on "*" where the
 * action takes no resource), except the written exceptions (generators/lib/drift-read.ts), which it may not.
 */

import snapshot from '../../../generators/data/drift-read-permissions.json' with { type: 'json' };
import { DRIFT_READ_EXCEPTIONS, readPermissionsOf } from '../../../generators/lib/drift-read.js';
import type { Expectation } from '../matrix.js';
import type { Model } from './model.js';
import { ACCOUNT, PARTITION, REGION, type ResolvedResource } from './resolve.js';

export const DRIFT_ROLES = ['role:drift-detection-fn', 'role:github-drift'];

const wildcardOnly = new Set(snapshot.wildcardOnly.map((a) => a.toLowerCase()));

/** The ARN a read action of `r`'s type targets (the resource itself, or what its read handler reads). */
function targetArn(model: Model, r: ResolvedResource): string | undefined {
  const p = r.properties;
  const byRef = (ref: string) =>
    [...model.resolved.resources.values()].find((x) => x.ref === ref || x.arn === ref);
  const logGroup = (name: string) => `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
  switch (r.type) {
    case 'AWS::Logs::LogGroup':
      return r.arn?.replace(/:\*$/, '');
    case 'AWS::Logs::LogStream':
    case 'AWS::Logs::MetricFilter':
      return logGroup(p.LogGroupName);
    case 'AWS::S3::BucketPolicy':
      return `arn:${PARTITION}:s3:::${p.Bucket}`;
    case 'AWS::Lambda::EventInvokeConfig':
    case 'AWS::Lambda::Permission':
      return byRef(p.FunctionName)?.arn;
    case 'AWS::SNS::Subscription':
      // The IAM service reference authorises subscription reads against the topic.
      return p.TopicArn;
    case 'AWS::SES::ConfigurationSetEventDestination':
      return `arn:${PARTITION}:ses:${REGION}:${ACCOUNT}:configuration-set/${p.ConfigurationSetName}`;
    case 'AWS::CloudWatch::Dashboard':
      return `arn:${PARTITION}:cloudwatch::${ACCOUNT}:dashboard/${p.DashboardName}`;
    case 'AWS::CloudWatch::CompositeAlarm':
      return `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:${p.AlarmName}`;
    default:
      return r.arn;
  }
}

export function driftReadExpectations(model: Model): Expectation[] {
  const out: Expectation[] = [];
  const seen = new Set<string>();
  for (const r of model.resolved.resources.values()) {
    if (seen.has(r.type)) continue;
    seen.add(r.type);
    const actions = readPermissionsOf(r.type);
    if (!actions) throw new Error(`no read permissions in the snapshot for ${r.type} (${r.stack}/${r.id})`);
    for (const action of actions) {
      const wildcard = wildcardOnly.has(action.toLowerCase());
      // Cross-service reads of a handler: the key of the function's environment, a role a rule could pass.
      const crossService =
        action === 'kms:Decrypt'
          ? r.properties.KmsKeyArn
          : action === 'iam:PassRole'
            ? [...model.resolved.resources.values()].find((x) => x.type === 'AWS::IAM::Role')?.arn
            : undefined;
      const on = wildcard ? '*' : (crossService ?? targetArn(model, r));
      if (!on) throw new Error(`no ARN to check ${action} of ${r.type} (${r.stack}/${r.id})`);
      const exception = DRIFT_READ_EXCEPTIONS[action];
      for (const who of DRIFT_ROLES) {
        out.push({
          who,
          action,
          on,
          expect: exception && !exception.condition ? 'Deny' : 'Allow',
          why: exception ? `${r.type} read: ${exception.why}` : `${r.type} read handler (drift detection)`,
          ...(exception?.condition === 'viaLambda'
            ? { context: { 'kms:ViaService': 'lambda.ap-northeast-1.amazonaws.com' } }
            : {}),
        });
      }
    }
  }
  return out;
}
