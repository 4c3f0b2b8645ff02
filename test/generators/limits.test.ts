/** AWS limits checked at generate time (contracts/limits.ts TEMPLATE_LIMITS): at the edge of each, and for real. */
import { describe, expect, it } from 'vitest';
import { INTRINSIC_ESTIMATE, TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { generateAll } from '../../generators/generate.js';
import {
  checkTemplateLimits,
  describeLimitProblem,
  environmentSize,
  resolvedLength,
} from '../../generators/lib/limits-check.js';
import { fakeBundles, type Json, loadEnv } from '../support/templates.js';

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

  it('200 long domain names (72 characters) generate within every limit: no environment carries the domain list', () => {
    // Before issue #14 item 2 this configuration was refused: the five BYODKIM environments (DOMAINS_JSON) and
    // the notifier's and reports' exceeded 4 KB from about 58 domains.
    const prod = loadEnv('prod');
    const domains = Array.from({ length: 200 }, (_, i) => ({
      ...prod.ses.domains[0]!,
      name: `mail-${String(i).padStart(3, '0')}.tenant-${String(i).padStart(3, '0')}.example-sending-platform.co.jp`,
    }));
    const big = { ...prod, ses: { ...prod.ses, domains } };
    const { stacks } = generateAll([big], fakeBundles(), { checkLimits: false });
    const problems = [...stacks.get('prod')!].flatMap((r) =>
      checkTemplateLimits(r.definition.id, r.template, JSON.stringify(r.template)),
    );
    expect(problems.filter((p) => p.limit.id === 'lambda-environment')).toEqual([]);
    expect(() => generateAll([big], fakeBundles())).not.toThrow();
  });
});

describe('function environments do not grow with domains (issue #14 item 2)', () => {
  /** `n` sending domains of exactly 42 characters. */
  const withDomains = (n: number) => {
    const prod = loadEnv('prod');
    const domains = Array.from({ length: n }, (_, i) => {
      const name = `mail-${String(i).padStart(4, '0')}.tenant.example-sending-pla.co.jp`;
      return { ...prod.ses.domains[0]!, name, hostedZoneId: `Z${String(i).padStart(20, '0')}` };
    });
    expect(new Set(domains.map((d) => d.name.length))).toEqual(new Set([42]));
    return { ...prod, ses: { ...prod.ses, domains } };
  };
  /** Environment bytes of every function of the environment, at `n` domains. */
  const sizes = (n: number) => {
    // Other limits (identity and zone ARN lists in policies, resources per stack) are other items of issue #14.
    const { stacks } = generateAll([withDomains(n)], fakeBundles(), { checkLimits: false });
    const out: Record<string, number> = {};
    for (const r of stacks.get('prod')!) {
      for (const [id, res] of Object.entries(r.template.Resources as Record<string, Json>)) {
        if (res.Type !== 'AWS::Lambda::Function') continue;
        out[`${r.definition.id}/${id}`] = environmentSize(res.Properties.Environment.Variables);
      }
    }
    return out;
  };

  it('1, 200 and 1,000 domains of 42 characters: every function the same bytes as at 1 domain, far under 4 KB', () => {
    const one = sizes(1);
    expect(Object.keys(one).length).toBeGreaterThanOrEqual(12);
    const at200 = sizes(200);
    const at1000 = sizes(1000);
    console.log(
      `function environment bytes at 1 / 200 / 1,000 domains: ${Object.keys(one)
        .map((k) => `${k} ${one[k]} / ${at200[k]} / ${at1000[k]}`)
        .join('; ')}`,
    );
    // The notifier keeps the first RUNBOOK_DOMAINS domains for its runbook: constant from 3 domains on.
    expect(at200).toEqual(sizes(3));
    expect(at1000).toEqual(at200);
    const { 'monitoring/NotifierFunction': _notifier, ...others } = one;
    const { 'monitoring/NotifierFunction': _n1000, ...others1000 } = at1000;
    expect(others1000).toEqual(others);
    for (const [k, v] of Object.entries(at1000)) expect(v, k).toBeLessThan(L.lambdaEnvironment.max / 2);
  });
});
