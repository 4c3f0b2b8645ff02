import { describe, expect, it } from 'vitest';
import { diffTemplates, parseJsonTemplate } from '../../../lib/drift/template-diff.js';
import { parseTemplate } from '../../../scripts/drift/template-parse.js';

describe('template bodies', () => {
  it('lib reads JSON, also as Sceptre sends it (---), and refuses YAML with a reason', () => {
    expect(parseJsonTemplate('---\n{"Resources":{}}')).toEqual({ Resources: {} });
    expect(() => parseJsonTemplate('Resources:\n  A: !Ref B\n')).toThrow("YAML needs the CLI's parser");
  });

  it("the CLI's parser reads YAML short-form intrinsics as their long form", () => {
    const t = parseTemplate('Resources:\n  A:\n    Type: X\n    Properties:\n      V: !GetAtt B.Arn\n');
    expect(t).toEqual({ Resources: { A: { Type: 'X', Properties: { V: { 'Fn::GetAtt': ['B', 'Arn'] } } } } });
    expect(diffTemplates(t, parseJsonTemplate(JSON.stringify(t)))).toEqual({
      added: [],
      removed: [],
      changed: [],
      sections: [],
    });
  });
});
