/**
 * The small framework every stack builder uses: a context that hands out cross-stack references (which become
 * template Parameters wired by Sceptre's `!stack_output`) and handler code locations, and the assembly of the
 * final template. Pure: no AWS calls, no file system, no environment reads.
 */
import { environmentStackIds, type Names, names, STACK_IDS, type StackId } from '../../contracts/names.js';
import { type EscalationLevel, isSeverity, type Severity } from '../../contracts/severity.js';
import type { EnvConfig } from '../config/schema.js';
import type { CfnObject, CfnResource, CfnValue, GetAtt, Ref, Sub } from './cfn.js';

export type { CfnObject, CfnResource, CfnValue } from './cfn.js';
export { STACK_IDS, type StackId };

export interface HandlerBundle {
  /** S3 key in the artifacts bucket, content-addressed: handlers/<name>/<sha256>.zip */
  readonly key: string;
  readonly sha256: string;
}

export interface StackOutput {
  readonly value: CfnValue;
  readonly description: string;
}

export interface StackTemplate {
  readonly description: string;
  readonly resources: Record<string, CfnResource>;
  readonly outputs?: Record<string, StackOutput>;
  readonly conditions?: CfnObject;
}

export interface StackDefinition {
  readonly id: StackId;
  /** One line: what the stack is for (first line of its Sceptre config). */
  readonly purpose: string;
  /** Stacks that must be launched first although no output is read from them. */
  readonly after?: readonly StackId[];
  /** Handler bundles (handlers/<name>) whose code the stack deploys. */
  readonly handlers?: readonly string[];
  readonly build: (ctx: StackContext) => StackTemplate;
  /** The stack shows every alarm of the environment (dashboards): it is rendered again once all are known. */
  readonly showsEnvironmentAlarms?: boolean;
}

/** An alarm of the environment as the dashboards list it. */
export interface AlarmRef {
  readonly name: string;
  readonly severity: Severity | undefined;
  readonly stack: StackId;
}

/** A reference to another stack's output, rendered as a template parameter. */
export interface ImportedValue {
  readonly parameter: string;
  readonly stack: StackId;
  readonly output: string;
}

export class StackContext {
  readonly n: Names;
  readonly imports = new Map<string, ImportedValue>();
  /** Configuration objects the stack's functions read: S3 key -> body (contracts/artifacts.ts). */
  readonly configObjects = new Map<string, string>();

  constructor(
    readonly cfg: EnvConfig,
    readonly stack: StackId,
    private readonly bundles: ReadonlyMap<string, HandlerBundle>,
    /** Every alarm of every stack of the environment; undefined in the first rendering pass. */
    readonly environmentAlarms?: readonly AlarmRef[],
  ) {
    this.n = names(cfg);
  }

  /** `Ref` to a parameter that Sceptre fills with `!stack_output <env>/<stack>.yaml::<output>`. */
  fromStack(stack: StackId, output: string): Ref {
    if (stack === this.stack) throw new Error(`stack ${stack} cannot import its own output ${output}`);
    const parameter = `${pascal(stack)}${output}`;
    this.imports.set(parameter, { parameter, stack, output });
    return { Ref: parameter };
  }

  /** The alarm topic ARN of a severity (base stack). */
  alarmTopic(severity: Severity): Ref {
    return this.fromStack('base', `AlarmTopic${severity}Arn`);
  }

  /** The delivery topic ARNs (people subscribe to them; base stack), by severity. */
  deliveryTopics(): Record<Severity, Ref> {
    const topic = (s: Severity) => this.fromStack('base', `DeliveryTopic${s}Arn`);
    return { P1: topic('P1'), P2: topic('P2'), P3: topic('P3') };
  }

  /** The escalation topic ARNs (seed 5.4.2; base stack), by level. */
  escalationTopics(): Record<EscalationLevel, Ref> {
    const topic = (l: EscalationLevel) => this.fromStack('base', `EscalationTopicLevel${l}Arn`);
    return { 1: topic(1), 2: topic(2), 3: topic(3) };
  }

  /** Code location of a bundled handler in the artifacts bucket. */
  code(handler: string): { S3Bucket: Ref; S3Key: string } {
    const bundle = this.bundles.get(handler);
    if (!bundle) {
      throw new Error(`handler bundle "${handler}" was not built: add it to the stack's handlers list`);
    }
    return { S3Bucket: this.fromStack('base', 'ArtifactsBucketName'), S3Key: bundle.key };
  }

  /**
   * A configuration object in the artifacts bucket (data too large for a function's environment): `npm run
   * generate` writes it to dist/<key>, the deploy gate uploads it before the stack's create or update.
   */
  configObject(object: { readonly key: string; readonly body: string }): { bucket: Ref; key: string } {
    const known = this.configObjects.get(object.key);
    if (known !== undefined && known !== object.body) {
      throw new Error(`configuration object ${object.key} was given two different bodies`);
    }
    this.configObjects.set(object.key, object.body);
    return { bucket: this.fromStack('base', 'ArtifactsBucketName'), key: object.key };
  }

  /** DeletionPolicy/UpdateReplacePolicy for stateful resources: Retain when the environment keeps data. */
  get retention(): { DeletionPolicy: 'Retain' | 'Delete'; UpdateReplacePolicy: 'Retain' | 'Delete' } {
    const policy = this.cfg.retain ? 'Retain' : 'Delete';
    return { DeletionPolicy: policy, UpdateReplacePolicy: policy };
  }

  /** The standard tags every taggable resource carries. */
  tags(extra: Record<string, string> = {}): { Key: string; Value: string }[] {
    const all: Record<string, string> = {
      Project: this.cfg.projectCode,
      Environment: this.cfg.environment,
      ManagedBy: 'ses-migration-ops',
      ...extra,
    };
    return Object.entries(all).map(([Key, Value]) => ({ Key, Value }));
  }
}

export function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `Fn::Sub` shorthand. */
export const sub = (s: string): Sub => ({ 'Fn::Sub': s });
export const ref = (id: string): Ref => ({ Ref: id });
export const getAtt = (id: string, attr: string): GetAtt => ({ 'Fn::GetAtt': [id, attr] });

/** Metadata that suppresses checkov checks, each with the reason written next to it. */
export function checkovSkip(...skips: [id: string, comment: string][]): CfnObject {
  return { checkov: { skip: skips.map(([id, comment]) => ({ id, comment })) } };
}

/** Everything the generator renders for one stack of one environment. */
export interface RenderedStack {
  readonly definition: StackDefinition;
  readonly template: Record<string, unknown>;
  /** The template's resources by logical id (the same objects as `template.Resources`). */
  readonly resources: Readonly<Record<string, CfnResource>>;
  readonly imports: readonly ImportedValue[];
  readonly dependencies: readonly StackId[];
  /** Configuration objects (S3 key -> body) the template names; uploaded by the deploy gate. */
  readonly configObjects: ReadonlyMap<string, string>;
}

/** Builds one stack's template for one environment. */
export function renderStack(
  def: StackDefinition,
  cfg: EnvConfig,
  bundles: ReadonlyMap<string, HandlerBundle>,
  environmentAlarms?: readonly AlarmRef[],
): RenderedStack {
  const ctx = new StackContext(cfg, def.id, bundles, environmentAlarms);
  const built = def.build(ctx);
  const imports = [...ctx.imports.values()].sort((a, b) => a.parameter.localeCompare(b.parameter));
  const parameters = Object.fromEntries(
    imports.map((i) => [
      i.parameter,
      { Type: 'String', Description: `Output ${i.output} of the ${i.stack} stack (set by Sceptre)` },
    ]),
  );
  const outputs = Object.fromEntries(
    Object.entries(built.outputs ?? {}).map(([k, o]) => [k, { Description: o.description, Value: o.value }]),
  );
  const template: Record<string, unknown> = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${cfg.projectCode} ${cfg.environment}: ${built.description}`,
    ...(imports.length ? { Parameters: parameters } : {}),
    ...(built.conditions ? { Conditions: built.conditions } : {}),
    Resources: built.resources,
    ...(Object.keys(outputs).length ? { Outputs: outputs } : {}),
  };
  const deps = new Set<StackId>([...imports.map((i) => i.stack), ...(def.after ?? [])]);
  return {
    definition: def,
    template,
    resources: built.resources,
    imports,
    dependencies: environmentStackIds(cfg.ses.identityStacks).filter((s) => deps.has(s)),
    configObjects: new Map([...ctx.configObjects].sort(([a], [b]) => a.localeCompare(b))),
  };
}

const ALARM_TYPES = new Set(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']);

/** The alarms a rendered stack declares, with the severity of their `Severity` tag, by name. */
export function alarmsOf(rendered: RenderedStack): AlarmRef[] {
  return Object.values(rendered.resources).flatMap((r) => {
    const name = r.Properties.AlarmName;
    if (!ALARM_TYPES.has(r.Type) || typeof name !== 'string') return [];
    const tags = r.Properties.Tags;
    const tag = isArray(tags) ? tags.find((t: CfnValue) => isTag(t) && t.Key === 'Severity') : undefined;
    const severity = isTag(tag) && isSeverity(tag.Value) ? tag.Value : undefined;
    return [{ name, severity, stack: rendered.definition.id }];
  });
}

/** `Array.isArray` that narrows readonly arrays too. */
export function isArray(value: CfnValue | undefined): value is readonly CfnValue[] {
  return Array.isArray(value);
}

function isTag(value: CfnValue | undefined): value is { Key: string; Value: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !isArray(value) &&
    typeof value.Key === 'string' &&
    typeof value.Value === 'string'
  );
}
