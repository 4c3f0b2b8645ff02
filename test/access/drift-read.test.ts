/**
 * The drift roles' read permissions come from the CloudFormation resource schemas (snapshot in
 * generators/data/drift-read-permissions.json): every type any stack renders must be in the snapshot, every
 * exception must name a permission a schema lists, and nothing but actions without resource-level permissions is
 * granted on "*". That the snapshot matches the pinned cfn-lint is checked in drift-read-permissions.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import snapshot from '../../generators/data/drift-read-permissions.json' with { type: 'json' };
import { DRIFT_READ_EXCEPTIONS, readPermissionsOf, snapshotTypes } from '../../generators/lib/drift-read.js';
import { allConfigs, resourceTypes } from '../../scripts/drift-read-permissions.js';
import { buildModel } from './support/model.js';
import { loadFixture, resolveEnvironment } from './support/resolve.js';

/** Types rendered by the stacks that the snapshot lacks. */
function missing(types: readonly string[]): string[] {
  return types.filter((t) => readPermissionsOf(t) === undefined);
}

describe('drift read permissions (CloudFormation resource schemas)', () => {
  const rendered = resourceTypes(allConfigs());

  it('the snapshot has the read permissions of every resource type any stack renders', () => {
    expect(rendered.length).toBeGreaterThan(20);
    expect(missing(rendered), 'run npm run drift:permissions after adding a resource type').toEqual([]);
  });

  it('a type the snapshot lacks is reported (the check can fail)', () => {
    expect(missing([...rendered, 'AWS::SQS::Queue'])).toEqual(['AWS::SQS::Queue']);
  });

  it('holds no type the stacks no longer render (a stale snapshot shows)', () => {
    expect(snapshotTypes().filter((t) => !rendered.includes(t))).toEqual([]);
  });

  it('every written exception names a permission a schema lists', () => {
    const listed = new Set(snapshotTypes().flatMap((t) => readPermissionsOf(t) ?? []));
    for (const action of Object.keys(DRIFT_READ_EXCEPTIONS)) expect(listed, action).toContain(action);
  });

  it("every role's inline policies stay under IAM's 10,240-character limit once resolved", () => {
    const model = buildModel(resolveEnvironment(loadFixture('access-prod')));
    for (const r of model.resolved.resources.values()) {
      if (r.type !== 'AWS::IAM::Role') continue;
      const size = JSON.stringify(
        (r.properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
      ).length;
      expect(size, `${r.id}`).toBeLessThan(10_240);
    }
  });

  it('grants "*" only for actions without resource-level permissions, and no exception unconditionally', () => {
    const model = buildModel(resolveEnvironment(loadFixture('access-prod')));
    const wildcard = new Set(snapshot.wildcardOnly.map((a) => a.toLowerCase()));
    wildcard.add('cloudformation:describestackdriftdetectionstatus');
    for (const role of ['role:drift-detection-fn', 'role:github-drift']) {
      const statements = model.principals
        .get(role)!
        .identityPolicies.flatMap(
          (p) =>
            p.document.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[],
        );
      for (const st of statements.filter((s) => s.Resource === '*')) {
        for (const a of [st.Action].flat())
          expect(wildcard, `${role}: ${a} on "*"`).toContain(a.toLowerCase());
      }
      for (const st of statements) {
        for (const a of [st.Action].flat()) {
          const exception = DRIFT_READ_EXCEPTIONS[a];
          if (!exception) continue;
          // The drift function decrypts under its own environment key anyway (DecryptOwnEnvironment).
          if (a === 'kms:Decrypt' && !st.Condition) continue;
          expect(exception.condition, `${role}: ${a} granted`).toBeDefined();
          expect(st.Condition, `${role}: ${a} without its condition`).toBeDefined();
        }
      }
    }
  });
});
