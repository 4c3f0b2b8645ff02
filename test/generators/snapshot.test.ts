/**
 * Reviewed snapshot of what each production stack creates: logical id, type and physical name. A change here is
 * a change to deployed resources (a renamed logical id or name replaces the resource): update it on purpose
 * (`npx vitest run -u test/generators/snapshot.test.ts`) and read the diff in review.
 */
import { describe, expect, it } from 'vitest';
import { type Json, templates } from '../support/templates.js';

const NAME_KEYS = [
  'AlarmName',
  'FilterName',
  'TopicName',
  'LogGroupName',
  'FunctionName',
  'RoleName',
  'ManagedPolicyName',
  'DashboardName',
  'Name',
  'BucketName',
  'AliasName',
  'TableName',
  'DeliveryStreamName',
  'EmailIdentity',
  'TrailName',
  'PolicyName',
];

function summary(t: Json): string {
  return Object.entries(t.Resources as Record<string, Json>)
    .map(([id, r]) => {
      const key = NAME_KEYS.find((k) => r.Properties?.[k] !== undefined);
      const value = key ? r.Properties[key] : undefined;
      const name = typeof value === 'string' ? value : value ? JSON.stringify(value) : '';
      return `${id.padEnd(44)} ${r.Type.padEnd(42)} ${name}`.trimEnd();
    })
    .join('\n');
}

for (const env of ['prod', 'dev'] as const) {
  describe(`${env === 'prod' ? 'production' : 'development'} resources (reviewed snapshot)`, () => {
    const all = templates(env);
    for (const stack of Object.keys(all).sort()) {
      it(stack, async () => {
        await expect(`${summary(all[stack])}\n`).toMatchFileSnapshot(`__snapshots__/${env}-${stack}.txt`);
      });
    }
  });
}
