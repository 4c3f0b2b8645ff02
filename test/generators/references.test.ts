import { describe, expect, it } from 'vitest';
import { generateAll } from '../../generators/generate.js';
import type { CfnResource } from '../../generators/lib/cfn.js';
import { checkReferences } from '../../generators/lib/references.js';
import { renderStack, type StackDefinition } from '../../generators/lib/template.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

const cfg = loadEnv('dev');
const exporter: StackDefinition = {
  id: 'base',
  purpose: 'test',
  build: () => ({
    description: 'exporter',
    resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: {} } },
    outputs: { TopicArn: { value: { Ref: 'Topic' }, description: 'the topic' } },
  }),
};
const importer = (output: string): StackDefinition => ({
  id: 'ses',
  purpose: 'test',
  build: (ctx) => ({
    description: 'importer',
    resources: {
      Sub: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: ctx.fromStack('base', output) },
      },
    },
  }),
});

describe('cross-stack references', () => {
  it('accept an output the exporting stack declares', () => {
    const rendered = [exporter, importer('TopicArn')].map((d) => renderStack(d, cfg, new Map()));
    expect(() => checkReferences('dev.yaml', rendered)).not.toThrow();
  });

  it('name both stacks when the exporting stack does not declare the output', () => {
    const rendered = [exporter, importer('TopicName')].map((d) => renderStack(d, cfg, new Map()));
    expect(() => checkReferences('dev.yaml', rendered)).toThrow(
      'dev.yaml: stack ses imports output TopicName of stack base, which stack base does not declare (its outputs: TopicArn)',
    );
  });

  it('hold for every import and every logical id of the real stacks (generateAll checks both)', () => {
    const { stacks } = generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles());
    const imports = [...stacks.values()].flat().flatMap((r) => r.imports);
    expect(imports.length).toBeGreaterThan(20);
  });
});

describe('logical ids inside a template', () => {
  const stack = (resources: Record<string, CfnResource>): StackDefinition => ({
    id: 'ses',
    purpose: 'test',
    build: (ctx) => ({
      description: 'one stack',
      resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {} } },
        Topic: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            KmsMasterKeyId: { Ref: 'Key' },
            TopicName: { 'Fn::Sub': '${AWS::StackName}-${Key}-${!Literal}' },
            DisplayName: ctx.fromStack('base', 'TopicArn'),
          },
        },
        ...resources,
      },
      outputs: { KeyArn: { value: { 'Fn::GetAtt': ['Key', 'Arn'] }, description: 'key' } },
    }),
  });
  const check = (resources: Record<string, CfnResource>) => () =>
    checkReferences(
      'dev.yaml',
      [exporter, stack(resources)].map((d) => renderStack(d, cfg, new Map())),
    );
  const policy = (properties: CfnResource['Properties'], extra: Partial<CfnResource> = {}) => ({
    Policy: { Type: 'AWS::SNS::TopicPolicy', Properties: properties, ...extra },
  });

  it('accept resources, parameters, pseudo parameters, Sub variables and escaped literals', () => {
    expect(
      check(
        policy(
          {
            Topics: [{ Ref: 'Topic' }, { Ref: 'BaseTopicArn' }, { Ref: 'AWS::NoValue' }],
            PolicyDocument: {
              Id: { 'Fn::Sub': ['${Key.Arn}/${Local}', { Local: { Ref: 'Key' } }] },
              Statement: [],
            },
          },
          { DependsOn: ['Key', 'Topic'] },
        ),
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'a Ref',
      policy({ Topics: [{ Ref: 'Topc' }] }),
      'Resources.Policy.Properties.Topics[0] names resource or parameter Topc',
    ],
    ['a GetAtt', policy({ Topics: [{ 'Fn::GetAtt': ['Kye', 'Arn'] }] }), 'names resource Kye'],
    ['a Sub attribute', policy({ Topics: [{ 'Fn::Sub': '${Kye.Arn}/*' }] }), 'names resource Kye'],
    [
      'a Sub name',
      policy({ Topics: [{ 'Fn::Sub': 'arn:${AWS::Partition}:${Topc}' }] }),
      'names resource or parameter Topc',
    ],
    ['a Sub variable', policy({ Topics: [{ 'Fn::Sub': ['${Other}', { Local: 'x' }] }] }), 'Other'],
    [
      'a DependsOn',
      policy({ Topics: [] }, { DependsOn: ['Topic', 'Kee'] }),
      'Resources.Policy.DependsOn names resource Kee',
    ],
    ['a Condition', policy({ Topics: [] }, { Condition: 'IsProd' }), 'names condition IsProd'],
    ['an If', policy({ Topics: [{ 'Fn::If': ['IsProd', 'a', 'b'] }] }), 'names condition IsProd'],
  ])('name the stack, path and id of a typo in %s', (_what, resources, message) => {
    expect(check(resources)).toThrow(message);
    expect(check(resources)).toThrow(/^dev\.yaml: stack ses: /);
  });
});
