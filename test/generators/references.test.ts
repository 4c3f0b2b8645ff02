import { describe, expect, it } from 'vitest';
import { generateAll } from '../../generators/generate.js';
import { checkReferences } from '../../generators/lib/references.js';
import { renderStack, type StackDefinition } from '../../generators/lib/template.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

const cfg = loadEnv('dev');
const exporter: StackDefinition = {
  id: 'base',
  purpose: 'test',
  build: () => ({
    description: 'exporter',
    resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: {} } as never },
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
      } as never,
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

  it('hold for every import of the real stacks', () => {
    const { stacks } = generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles());
    const imports = [...stacks.values()].flat().flatMap((r) => r.imports);
    expect(imports.length).toBeGreaterThan(20);
  });
});
