/**
 * Renders every stack of a fixture environment in process and resolves what CloudFormation would resolve at
 * deploy time, offline: pseudo parameters (a test account id), `Ref`/`Fn::GetAtt` of the stack's own resources
 * to the names and ARNs CloudFormation would give them, stack parameters to the other stack's output (what
 * Sceptre's `!stack_output` passes), `Fn::Sub` (both forms) and `Fn::Join`. Anything left unresolved is an error,
 * so a policy can never be evaluated with a half-resolved ARN.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseEnvConfig } from '../../../generators/config/load.js';
import type { EnvConfig } from '../../../generators/config/schema.js';
import { pascal, renderStack } from '../../../generators/lib/template.js';
import { stacksFor } from '../../../generators/stacks/index.js';
import { fakeBundles, type Json } from '../../support/templates.js';

export const ACCOUNT = '111122223333';
export const REGION = 'ap-northeast-1';
export const PARTITION = 'aws';

export interface ResolvedResource {
  readonly stack: string;
  readonly id: string;
  readonly type: string;
  readonly properties: Json;
  /** What `Ref` returns. */
  readonly ref: string;
  /** What `Fn::GetAtt [id, Arn]` returns (undefined where the type has no Arn). */
  readonly arn?: string;
}

export interface Resolved {
  readonly cfg: EnvConfig;
  /** Raw (unresolved) templates by stack id. */
  readonly templates: Record<string, Json>;
  /** Every resource with resolved properties, keyed "<stack>/<logicalId>". */
  readonly resources: Map<string, ResolvedResource>;
}

export function loadFixture(name: string): EnvConfig {
  const file = `test/fixtures/environments/${name}.yaml`;
  return parseEnvConfig(file, readFileSync(file, 'utf8'));
}

/** A stable fake key id per key, shaped like KMS's. */
function keyId(stack: string, id: string): string {
  const h = createHash('sha256').update(`${stack}/${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const svc = (service: string, resource: string) =>
  `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** Ref and Arn of a resource, from its (resolved) name property, as CloudFormation returns them. */
function identify(stack: string, id: string, type: string, p: Json): { ref: string; arn?: string } {
  switch (type) {
    case 'AWS::IAM::Role':
      return { ref: p.RoleName, arn: `arn:${PARTITION}:iam::${ACCOUNT}:role/${p.RoleName}` };
    case 'AWS::IAM::ManagedPolicy': {
      const a = `arn:${PARTITION}:iam::${ACCOUNT}:policy/${p.ManagedPolicyName}`;
      return { ref: a, arn: a };
    }
    case 'AWS::IAM::OIDCProvider': {
      const a = `arn:${PARTITION}:iam::${ACCOUNT}:oidc-provider/${String(p.Url).replace(/^https:\/\//, '')}`;
      return { ref: a, arn: a };
    }
    case 'AWS::KMS::Key': {
      const k = keyId(stack, id);
      return { ref: k, arn: svc('kms', `key/${k}`) };
    }
    case 'AWS::SNS::Topic': {
      const a = svc('sns', p.TopicName);
      return { ref: a, arn: a };
    }
    case 'AWS::S3::Bucket':
      return { ref: p.BucketName, arn: `arn:${PARTITION}:s3:::${p.BucketName}` };
    case 'AWS::Lambda::Function':
      return { ref: p.FunctionName, arn: svc('lambda', `function:${p.FunctionName}`) };
    case 'AWS::Logs::LogGroup':
      return { ref: p.LogGroupName, arn: svc('logs', `log-group:${p.LogGroupName}:*`) };
    case 'AWS::DynamoDB::Table':
      return { ref: p.TableName, arn: svc('dynamodb', `table/${p.TableName}`) };
    case 'AWS::KinesisFirehose::DeliveryStream':
      return {
        ref: p.DeliveryStreamName,
        arn: svc('firehose', `deliverystream/${p.DeliveryStreamName}`),
      };
    case 'AWS::CloudTrail::Trail':
      return { ref: p.TrailName, arn: svc('cloudtrail', `trail/${p.TrailName}`) };
    case 'AWS::Scheduler::Schedule':
      return { ref: p.Name, arn: svc('scheduler', `schedule/default/${p.Name}`) };
    case 'AWS::Events::Rule':
      return { ref: p.Name, arn: svc('events', `rule/${p.Name}`) };
    case 'AWS::SES::ConfigurationSet':
      return { ref: p.Name, arn: svc('ses', `configuration-set/${p.Name}`) };
    case 'AWS::SES::EmailIdentity':
      return { ref: p.EmailIdentity, arn: svc('ses', `identity/${p.EmailIdentity}`) };
    case 'AWS::CloudWatch::Alarm':
      return { ref: p.AlarmName, arn: svc('cloudwatch', `alarm:${p.AlarmName}`) };
    default:
      return { ref: `${id}-physical-id` };
  }
}

type Lookup = (name: string, attr?: string) => string;

function resolveValue(v: Json, lookup: Lookup): Json {
  if (Array.isArray(v)) return v.map((x) => resolveValue(x, lookup));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const k = keys[0]!;
    const arg = v[k];
    if (k === 'Ref') return lookup(arg);
    if (k === 'Fn::GetAtt') {
      const [name, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
      return lookup(name, attr);
    }
    if (k === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      const local = Object.fromEntries(
        Object.entries(vars ?? {}).map(([n, x]) => [n, resolveValue(x, lookup)]),
      );
      return String(text).replace(/\$\{([^}!]+)\}/g, (_m, expr: string) => {
        if (expr in local) return String(local[expr]);
        const dot = expr.indexOf('.');
        if (dot > 0 && !expr.startsWith('AWS::')) return lookup(expr.slice(0, dot), expr.slice(dot + 1));
        return lookup(expr);
      });
    }
    if (k === 'Fn::Join') {
      const [sep, parts] = arg;
      return (resolveValue(parts, lookup) as string[]).join(sep);
    }
    if (k.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${k}`);
  }
  return Object.fromEntries(Object.entries(v).map(([kk, x]) => [kk, resolveValue(x, lookup)]));
}

/** Renders and resolves every stack of `cfg`. */
export function resolveEnvironment(cfg: EnvConfig): Resolved {
  const bundles = fakeBundles();
  const rendered = stacksFor(cfg).map((def) => renderStack(def, cfg, bundles));
  const templates: Record<string, Json> = Object.fromEntries(
    rendered.map((r) => [r.definition.id, structuredClone(r.template)]),
  );
  const resources = new Map<string, ResolvedResource>();
  const outputs = new Map<string, string>();
  // Stacks render in launch order, so every imported output is resolved before a later stack needs it.
  const order = rendered.map((r) => r.definition.id);
  for (const stack of order) {
    const tpl = templates[stack];
    const own = new Map<string, { ref: string; arn?: string }>();
    const params = tpl.Parameters ?? {};
    const lookup: Lookup = (name, attr) => {
      if (name === 'AWS::AccountId') return ACCOUNT;
      if (name === 'AWS::Region') return REGION;
      if (name === 'AWS::Partition') return PARTITION;
      if (name === 'AWS::URLSuffix') return 'amazonaws.com';
      if (name === 'AWS::StackName') return `${cfg.projectCode}-${cfg.sceptreEnv}-${stack}`;
      if (name in params) {
        const out = outputs.get(name);
        if (out === undefined) throw new Error(`${stack}: parameter ${name} has no resolved output`);
        return out;
      }
      const r = own.get(name);
      if (!r) throw new Error(`${stack}: cannot resolve ${name}${attr ? `.${attr}` : ''}`);
      if (!attr) return r.ref;
      if (attr === 'Arn' && r.arn) return r.arn;
      return `${r.ref}-${attr}`;
    };
    // Names first (they may use Fn::Sub with pseudo parameters only), then everything else.
    const entries = Object.entries<Json>(tpl.Resources);
    for (const [id, r] of entries) {
      const props = r.Properties ?? {};
      const nameOnly: Json = {};
      for (const k of [
        'RoleName',
        'ManagedPolicyName',
        'Url',
        'TopicName',
        'BucketName',
        'FunctionName',
        'LogGroupName',
        'TableName',
        'DeliveryStreamName',
        'TrailName',
        'Name',
        'EmailIdentity',
        'AlarmName',
      ]) {
        if (props[k] !== undefined) nameOnly[k] = resolveValue(props[k], lookup);
      }
      own.set(id, identify(stack, id, r.Type, nameOnly));
    }
    for (const [id, r] of entries) {
      const properties = resolveValue(r.Properties ?? {}, lookup);
      const { ref, arn } = own.get(id)!;
      resources.set(`${stack}/${id}`, { stack, id, type: r.Type, properties, ref, arn });
    }
    for (const [name, o] of Object.entries<Json>(tpl.Outputs ?? {})) {
      outputs.set(`${pascal(stack)}${name}`, resolveValue(o.Value, lookup));
    }
  }
  return { cfg, templates, resources };
}
