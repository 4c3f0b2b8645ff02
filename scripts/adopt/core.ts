/**
 * `npm run adopt`: finds the resources the generated templates declare that already exist under the same
 * physical name (the seed's production runs the goo.ne.jp identity, the notification topic and some alarms by
 * hand), and plans one CloudFormation IMPORT change set per stack for the importable ones.
 *
 * CloudFormation's rules for an import, which the plan follows: the change set carries no other change (an
 * existing stack's template is its deployed template plus the imported resources; a new stack's template holds
 * only them), every imported resource has a DeletionPolicy (Retain here), and each is named by its identifier
 * property. Imported resources keep only their literal properties (no reference to resources that do not exist
 * yet); the next `npm run deploy` brings them to the generated definition, through the drift gate.
 * Everything else that conflicts is listed with the operator's options. Pure planning: probes are injected.
 */

type Json = Record<string, unknown>;
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Json;
  readonly DeletionPolicy?: string;
}
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly [key: string]: unknown;
}

/** The importable types this command looks for: name property in the template, identifier CloudFormation needs. */
export const IMPORTABLE: Readonly<
  Record<string, { readonly nameProperty: string; readonly identifier: string; readonly kind: string }>
> = {
  'AWS::SES::EmailIdentity': {
    nameProperty: 'EmailIdentity',
    identifier: 'EmailIdentity',
    kind: 'SES identity',
  },
  'AWS::SES::ConfigurationSet': { nameProperty: 'Name', identifier: 'Name', kind: 'SES configuration set' },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', identifier: 'TopicArn', kind: 'SNS topic' },
  'AWS::CloudWatch::Alarm': { nameProperty: 'AlarmName', identifier: 'AlarmName', kind: 'alarm' },
  'AWS::CloudWatch::CompositeAlarm': {
    nameProperty: 'AlarmName',
    identifier: 'AlarmName',
    kind: 'composite alarm',
  },
  'AWS::CloudWatch::Dashboard': {
    nameProperty: 'DashboardName',
    identifier: 'DashboardName',
    kind: 'dashboard',
  },
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', identifier: 'LogGroupName', kind: 'log group' },
  'AWS::S3::Bucket': { nameProperty: 'BucketName', identifier: 'BucketName', kind: 'bucket' },
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', identifier: 'FunctionName', kind: 'function' },
};

export interface Where {
  readonly account: string;
  readonly region: string;
}

/** What a probe found under a name. */
export interface Found {
  /** The CloudFormation stack that already manages it, if any. */
  readonly managedBy?: string;
  /** Other things about it that the template will not take over (e.g. a topic's hand-made subscriptions). */
  readonly notes?: readonly string[];
}

export type Probe = (type: string, name: string, where: Where) => Promise<Found | undefined>;

/** A physical name written in the template: a string, or Fn::Sub over pseudo parameters only. */
export function physicalName(value: unknown, where: Where): string | undefined {
  if (typeof value === 'string') return value;
  const sub = (value as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'];
  if (typeof sub !== 'string') return undefined;
  const out = sub
    .replaceAll('${AWS::AccountId}', where.account)
    .replaceAll('${AWS::Region}', where.region)
    .replaceAll('${AWS::Partition}', 'aws');
  return out.includes('${') ? undefined : out;
}

function identifierValue(type: string, name: string, where: Where): string {
  return type === 'AWS::SNS::Topic' ? `arn:aws:sns:${where.region}:${where.account}:${name}` : name;
}

/** Properties without any intrinsic function (what can be imported before the rest of the stack exists). */
function literalOnly(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(literalOnly).filter((v) => v !== undefined);
    return items.length === value.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.some((k) => k === 'Ref' || k.startsWith('Fn::'))) return undefined;
    const out: Json = {};
    for (const k of keys) {
      const v = literalOnly((value as Json)[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return value;
}

export interface Import {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  readonly identifier: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
}

export interface Conflict {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  readonly problem: string;
  readonly options: readonly string[];
}

export interface StackPlan {
  readonly stackName: string;
  readonly exists: boolean;
  readonly imports: readonly Import[];
  readonly conflicts: readonly Conflict[];
  /** The CreateChangeSet input (undefined when there is nothing to import). */
  readonly request?: {
    readonly StackName: string;
    readonly ChangeSetName: string;
    readonly ChangeSetType: 'IMPORT';
    readonly TemplateBody: string;
    readonly ResourcesToImport: readonly {
      ResourceType: string;
      LogicalResourceId: string;
      ResourceIdentifier: Record<string, string>;
    }[];
    readonly Parameters?: readonly { ParameterKey: string; UsePreviousValue: true }[];
    readonly Capabilities: readonly string[];
    readonly Description: string;
  };
}

/** Plans the import of one stack. `deployed` is the deployed template and its parameter keys, if the stack exists. */
export async function planStack(
  stackName: string,
  template: Template,
  deployed: { template: Template; parameters: readonly string[] } | undefined,
  probe: Probe,
  where: Where,
  changeSetName: string,
): Promise<StackPlan> {
  const imports: Import[] = [];
  const conflicts: Conflict[] = [];
  const inStack = new Set(Object.keys(deployed?.template.Resources ?? {}));
  for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
    if (inStack.has(logicalId)) continue; // CloudFormation manages it already
    const spec = IMPORTABLE[r.Type];
    if (!spec) continue;
    const name = physicalName(r.Properties?.[spec.nameProperty], where);
    if (!name) continue; // no fixed name: a create cannot collide
    const found = await probe(r.Type, name, where);
    if (!found) continue;
    if (found.managedBy) {
      conflicts.push({
        logicalId,
        type: r.Type,
        name,
        problem: `${spec.kind} ${name} exists and belongs to stack ${found.managedBy}`,
        options: [
          `remove it from ${found.managedBy} with DeletionPolicy: Retain first, then run adopt again`,
          `or delete it in ${found.managedBy} and let ${stackName} create it`,
        ],
      });
      continue;
    }
    imports.push({
      logicalId,
      type: r.Type,
      name,
      identifier: { [spec.identifier]: identifierValue(r.Type, name, where) },
      notes: found.notes ?? [],
    });
  }
  for (const i of imports) {
    for (const note of i.notes) {
      conflicts.push({
        logicalId: i.logicalId,
        type: i.type,
        name: i.name,
        problem: note,
        options: [
          'keep it: the stack does not manage it and leaves it alone (list it in docs for the next operator)',
          'or remove it by hand after the import, once the generated equivalent works',
        ],
      });
    }
  }
  if (!imports.length) return { stackName, exists: deployed !== undefined, imports, conflicts };

  const resources: Record<string, unknown> = { ...(deployed?.template.Resources ?? {}) };
  for (const i of imports) {
    const r = template.Resources?.[i.logicalId] as TemplateResource;
    resources[i.logicalId] = {
      Type: r.Type,
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: literalOnly(r.Properties ?? {}) ?? {},
    };
  }
  const body = deployed
    ? { ...deployed.template, Resources: resources }
    : {
        AWSTemplateFormatVersion: '2010-09-09',
        Description: `${stackName}: resources adopted by npm run adopt (the next deploy completes the stack)`,
        Resources: resources,
      };
  return {
    stackName,
    exists: deployed !== undefined,
    imports,
    conflicts,
    request: {
      StackName: stackName,
      ChangeSetName: changeSetName,
      ChangeSetType: 'IMPORT',
      TemplateBody: JSON.stringify(body),
      ResourcesToImport: imports.map((i) => ({
        ResourceType: i.type,
        LogicalResourceId: i.logicalId,
        ResourceIdentifier: { ...i.identifier },
      })),
      ...(deployed?.parameters.length
        ? {
            Parameters: deployed.parameters.map((k) => ({
              ParameterKey: k,
              UsePreviousValue: true as const,
            })),
          }
        : {}),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      Description: 'npm run adopt: import of resources that already exist (no other change)',
    },
  };
}

/** The report of a plan, as printed. */
export function renderPlan(env: string, plans: readonly StackPlan[], dryRun: boolean): string {
  const out: string[] = [`Adopt ${env}${dryRun ? ' (dry run: no change set was created)' : ''}`, ''];
  for (const p of plans) {
    if (!p.imports.length && !p.conflicts.length) {
      out.push(`${p.stackName}: nothing of it exists yet outside CloudFormation`);
      continue;
    }
    if (p.request) {
      out.push(
        `${p.stackName} (${p.exists ? 'exists' : 'does not exist yet: the import creates it'}): IMPORT change set ${p.request.ChangeSetName}, ${p.imports.length} resource(s), DeletionPolicy Retain each:`,
      );
      for (const i of p.imports) {
        const [k, v] = Object.entries(i.identifier)[0] as [string, string];
        out.push(`  - ${i.logicalId} (${i.type}) ${k}=${v}`);
      }
    }
    for (const c of p.conflicts) {
      out.push(`  ! ${c.logicalId} (${c.type}) ${c.name}: ${c.problem}`);
      for (const o of c.options) out.push(`      option: ${o}`);
    }
  }
  out.push(
    '',
    dryRun
      ? 'Run without --dry-run to create the change sets; review each in the console, execute it, then npm run deploy.'
      : 'Review each change set, execute it (aws cloudformation execute-change-set --stack-name S --change-set-name C), then npm run deploy.',
    'Adoption is not rehearsed on the local emulator (it treats IMPORT as a create); these requests are tested with client mocks.',
  );
  return `${out.join('\n')}\n`;
}
