/** AWS limits checked at generate time (contracts/limits.ts TEMPLATE_LIMITS): at the edge of each, and for real. */
import { describe, expect, it } from 'vitest';
import { INTRINSIC_ESTIMATE, TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { generateAll, LimitsError } from '../../generators/generate.js';
import {
  checkTemplateLimits,
  describeLimitProblem,
  resolvedLength,
} from '../../generators/lib/limits-check.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

const L = TEMPLATE_LIMITS;
const ids = (t: Record<string, unknown>, body = '{}') =>
  checkTemplateLimits('ses', t, body).map((p) => p.limit.id);
const many = (n: number, make: (i: number) => unknown) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`R${i}`, make(i)]));

/** A policy document whose compact JSON is exactly `size` characters. */
function policyOfLength(size: number) {
  const base = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '' }],
  };
  const pad = size - resolvedLength(base);
  return { ...base, Statement: [{ ...base.Statement[0], Resource: 'x'.repeat(pad) }] };
}

describe('template limits at their edge', () => {
  it('resources, parameters and outputs per stack', () => {
    const topic = { Type: 'AWS::SNS::Topic' };
    expect(ids({ Resources: many(500, () => topic) })).toEqual([]);
    expect(ids({ Resources: many(501, () => topic) })).toEqual(['resources']);
    expect(ids({ Resources: {}, Parameters: many(200, () => ({})) })).toEqual([]);
    expect(ids({ Resources: {}, Parameters: many(201, () => ({})) })).toEqual(['parameters']);
    expect(ids({ Resources: {}, Outputs: many(201, () => ({})) })).toEqual(['outputs']);
  });

  it('template body through S3', () => {
    expect(ids({ Resources: {} }, 'x'.repeat(1_000_000))).toEqual([]);
    expect(ids({ Resources: {} }, 'x'.repeat(1_000_001))).toEqual(['template-s3']);
  });

  it('Lambda environment: keys and values, an intrinsic counted as its estimate', () => {
    const fn = (vars: Record<string, unknown>) => ({
      Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: vars } } } },
    });
    expect(ids(fn({ K: 'v'.repeat(4095) }))).toEqual([]);
    expect(ids(fn({ K: 'v'.repeat(4096) }))).toEqual(['lambda-environment']);
    expect(ids(fn({ K: 'v'.repeat(4095 - INTRINSIC_ESTIMATE - 1), R: { Ref: 'X' } }))).toEqual([]);
    expect(ids(fn({ K: 'v'.repeat(4095 - INTRINSIC_ESTIMATE), R: { Ref: 'X' } }))).toEqual([
      'lambda-environment',
    ]);
  });

  it('IAM managed policy, role inline policies together, role trust policy', () => {
    const managed = (size: number) => ({
      Resources: {
        P: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: policyOfLength(size) } },
      },
    });
    expect(ids(managed(6144))).toEqual([]);
    expect(ids(managed(6145))).toEqual(['managed-policy']);
    const role = (inline: number[], trust = 300) => ({
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: policyOfLength(trust),
            Policies: inline.map((n, i) => ({ PolicyName: `p${i}`, PolicyDocument: policyOfLength(n) })),
          },
        },
      },
    });
    expect(ids(role([5120, 5120]))).toEqual([]);
    expect(ids(role([5120, 5121]))).toEqual(['role-inline-policies']);
    expect(ids(role([100], 2048))).toEqual([]);
    expect(ids(role([100], 2049))).toEqual(['role-trust-policy']);
  });

  it('a problem names the limit, the value, the stack and resource, the source and what to change', () => {
    const [p] = checkTemplateLimits(
      'byodkim',
      {
        Resources: {
          F: {
            Type: 'AWS::Lambda::Function',
            Properties: { Environment: { Variables: { K: 'v'.repeat(5000) } } },
          },
        },
      },
      '{}',
    );
    expect(describeLimitProblem('environments/prod.yaml', p!)).toBe(
      'environments/prod.yaml: byodkim stack, F: Lambda environment variables (keys and values) per function would be ' +
        `5001 bytes, over the AWS limit of 4096 (${L.lambdaEnvironment.source}); change: ${L.lambdaEnvironment.fix}`,
    );
  });
});

describe('generate refuses a configuration whose templates would exceed a limit', () => {
  it('today’s prod and dev fixtures are within every limit', () => {
    expect(() => generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles())).not.toThrow();
  });

  it('200 long domain names: the per-domain Lambda environments are refused before any deploy', () => {
    const prod = loadEnv('prod');
    const domains = Array.from({ length: 200 }, (_, i) => ({
      ...prod.ses.domains[0]!,
      name: `mail-${String(i).padStart(3, '0')}.tenant-${String(i).padStart(3, '0')}.example-sending-platform.co.jp`,
    }));
    const big = { ...prod, ses: { ...prod.ses, domains } };
    let error: unknown;
    try {
      generateAll([big], fakeBundles());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitsError);
    const lines = (error as LimitsError).lines;
    expect(
      lines.some((l) => l.includes('byodkim stack, OrchestratorFunction: Lambda environment variables')),
    ).toBe(true);
    for (const l of lines)
      expect(l).toMatch(/over the AWS limit of \d+ \(https:\/\/docs\.aws\.amazon\.com\/.+\); change: /);
  });
});
