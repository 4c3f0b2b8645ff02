/** Logical-id handles: the references they render, and a misspelt id as a compile error. */
import { describe, expect, it } from 'vitest';
import { lambdaIds } from '../../generators/lib/lambda.js';
import { logicalId, logicalIds } from '../../generators/lib/logical-id.js';

describe('logical-id handles', () => {
  const ID = logicalIds('StateTable', 'ArchiveBucket');

  it('render Ref, GetAtt and Fn::Sub variables of the id they were declared with', () => {
    expect(ID.StateTable.id).toBe('StateTable');
    expect(ID.StateTable.ref).toEqual({ Ref: 'StateTable' });
    expect(ID.StateTable.arn).toEqual({ 'Fn::GetAtt': ['StateTable', 'Arn'] });
    expect(ID.StateTable.getAtt('StreamArn')).toEqual({ 'Fn::GetAtt': ['StateTable', 'StreamArn'] });
    expect(ID.ArchiveBucket.sub()).toBe('${ArchiveBucket}');
    expect(ID.ArchiveBucket.sub('Arn')).toBe('${ArchiveBucket.Arn}');
    expect(ID.ArchiveBucket.arnSub('/raw/*')).toEqual({ 'Fn::Sub': '${ArchiveBucket.Arn}/raw/*' });
    expect(logicalId('ByodkimKey').with('Alias').id).toBe('ByodkimKeyAlias');
  });

  it('name a function resources after its prefix', () => {
    const fn = lambdaIds('Metrics');
    expect([fn.prefix, fn.fn.id, fn.role.id, fn.logs.id]).toEqual([
      'Metrics',
      'MetricsFunction',
      'MetricsRole',
      'MetricsLogGroup',
    ]);
  });

  it('make an id that was not declared a compile error (tsc checks the expect-error below)', () => {
    // @ts-expect-error: 'StateTabel' is not one of the declared ids
    const typo = ID.StateTabel;
    expect(typo).toBeUndefined();
  });
});
