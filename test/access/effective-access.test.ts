/**
 * Effective access over the generated templates (issue #12): the matrix in ./matrix.ts evaluated against every
 * policy AWS would combine (identity, KMS key, S3 bucket, SNS topic, CloudWatch Logs resource, Lambda
 * permission, role trust), each function role against the SDK calls its code makes, and a mutation test showing
 * that each Allow statement of the generated policies is needed by at least one expectation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXPECTATIONS,
  type Expectation,
  FUNCTION_CALLS,
  STATUS_CALLS,
  statusExpectations,
} from './matrix.js';
import { sdkCalls, sdkCallsFrom } from './support/calls.js';
import { driftReadExpectations } from './support/drift-rows.js';
import { buildModel, type Model } from './support/model.js';
import { ACCOUNT, loadFixture, PARTITION, REGION, resolveEnvironment } from './support/resolve.js';
import { type Decision, evaluate, type Request } from './support/simulate.js';

let model: Model;

function arnOf(token: string): string {
  if (token === '*' || token.startsWith('arn:')) return token;
  if (token.startsWith('ses:')) return `arn:${PARTITION}:ses:${REGION}:${ACCOUNT}:${token.slice(4)}`;
  const [stack, rest] = [token.slice(0, token.indexOf('/')), token.slice(token.indexOf('/') + 1)];
  const m = rest.match(/^([A-Za-z0-9]+)(.*)$/)!;
  const r = model.resolved.resources.get(`${stack}/${m[1]}`);
  if (!r?.arn)
    throw new Error(`matrix names ${stack}/${m[1]}, which the templates do not have (or has no ARN)`);
  const base = r.type === 'AWS::Logs::LogGroup' ? r.arn.replace(/:\*$/, '') : r.arn;
  return `${base}${m[2]}`;
}

function expand(value: string): string {
  return value.replace(/\$\{([^}]+)\}/g, (_m, t: string) => (t === 'account' ? ACCOUNT : arnOf(t)));
}

function request(e: Pick<Expectation, 'who' | 'action' | 'on' | 'context'>): Request {
  const context = Object.fromEntries(
    Object.entries(e.context ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(expand) : expand(v)]),
  );
  return { principal: e.who, action: e.action, resource: arnOf(expand(e.on)), context };
}

/** Function-role expectations derived from FUNCTION_CALLS. */
function functionExpectations(): Expectation[] {
  return Object.entries(FUNCTION_CALLS).flatMap(([role, f]) => [
    ...Object.entries(f.calls).flatMap(([action, c]) =>
      c.on.map((on) => ({
        who: `role:${role}`,
        action,
        on,
        ...(c.context ? { context: c.context } : {}),
        expect: 'Allow' as const,
        why: `${f.bundle} calls ${action}`,
      })),
    ),
    ...Object.entries(f.notCalled ?? {}).map(([action, n]) => ({
      who: `role:${role}`,
      action,
      on: n.on,
      expect: 'Deny' as const,
      why: `least privilege: ${n.why}`,
    })),
  ]);
}

function describeFailure(e: Expectation, d: Decision): string {
  const r = request(e);
  const ctx = Object.keys(r.context ?? {}).length ? ` ${JSON.stringify(r.context)}` : '';
  return `${e.who} ${e.action} ${r.resource}${ctx}: expected ${e.expect} (${e.why}), got ${d.result}; decided by ${d.deciding.join('; ') || '?'}${d.ignoredContextKeys.length ? `; context keys ignored: ${d.ignoredContextKeys.join(', ')}` : ''}`;
}

async function failures(list: Expectation[]): Promise<string[]> {
  const out: string[] = [];
  for (const e of list) {
    const d = await evaluate(model, request(e));
    if (d.allowed !== (e.expect === 'Allow')) out.push(describeFailure(e, d));
  }
  return out;
}

beforeAll(() => {
  model = buildModel(resolveEnvironment(loadFixture('access-prod')));
});

describe('effective access (fixture access-prod)', () => {
  it('every expectation of the matrix holds', async () => {
    const fn = functionExpectations();
    const drift = driftReadExpectations(model);
    const all = [...EXPECTATIONS, ...fn, ...drift];
    const bad = await failures(all);
    const allow = all.filter((e) => e.expect === 'Allow').length;
    console.log(
      `matrix: ${all.length} expectations (${allow} Allow, ${all.length - allow} Deny): ${EXPECTATIONS.length} written, ${fn.length} from the functions' SDK calls, ${drift.length} from the resource schemas' read handlers; ${all.length - bad.length} hold`,
    );
    expect(bad, `${bad.length} of ${all.length} expectations fail:\n${bad.join('\n')}`).toEqual([]);
  }, 120_000);

  it("each function role's matrix covers every SDK call its bundle makes", () => {
    const functions = [...model.resolved.resources.values()].filter(
      (r) => r.type === 'AWS::Lambda::Function',
    );
    const missing: string[] = [];
    for (const fn of functions) {
      const bundle = String(fn.properties.Code.S3Key)
        .replace(/^handlers\//, '')
        .replace(/\/[0-9a-f]{64}\.zip$/, '');
      const roleName = String(fn.properties.Role).split('/').pop()!;
      const role = roleName.replace(
        `${model.resolved.cfg.projectCode}-${model.resolved.cfg.environment}-`,
        '',
      );
      const entry = FUNCTION_CALLS[role];
      if (!entry) {
        missing.push(`${fn.id}: role ${role} has no FUNCTION_CALLS entry`);
        continue;
      }
      expect(entry.bundle, `${fn.id} runs handlers/${bundle}`).toBe(bundle);
      const listed = new Set([...Object.keys(entry.calls), ...Object.keys(entry.notCalled ?? {})]);
      for (const call of sdkCalls(process.cwd(), bundle)) {
        if (!listed.has(call.action))
          missing.push(`${role}: ${call.action} (${call.file}) is not in FUNCTION_CALLS`);
      }
    }
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('the read-only monitoring role may make every SDK call of npm run status, and no write', async () => {
    const listed = new Set([
      ...Object.keys(STATUS_CALLS.calls),
      ...Object.keys(STATUS_CALLS.notNeeded),
      ...Object.keys(STATUS_CALLS.notCalled),
    ]);
    const made = new Set(sdkCallsFrom(process.cwd(), STATUS_CALLS.entry).map((c) => c.action));
    const unlisted = [...made].filter((a) => !listed.has(a));
    expect(unlisted, `status calls not in STATUS_CALLS: ${unlisted.join(', ')}`).toEqual([]);
    const stale = [...listed].filter((a) => !made.has(a));
    expect(stale, `STATUS_CALLS lists calls status no longer makes: ${stale.join(', ')}`).toEqual([]);
    const bad = await failures(statusExpectations());
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('the simulator does decide (a known Allow flips to Deny without its statement)', async () => {
    const e: Expectation = {
      who: 'role:admin',
      action: 'logs:Unmask',
      on: 'ses/SesEventsLogGroup',
      expect: 'Allow',
      why: 'probe',
    };
    expect((await evaluate(model, request(e))).allowed).toBe(true);
    const policy = model.principals.get('role:admin')!.identityPolicies[0]!;
    const saved = policy.document.Statement;
    policy.document.Statement = saved.filter((s: { Sid?: string }) => s.Sid !== 'UnmaskProjectLogs');
    try {
      expect((await evaluate(model, request(e))).allowed).toBe(false);
    } finally {
      policy.document.Statement = saved;
    }
  });
});

describe('mutation: every Allow statement is needed by an expectation', () => {
  it('removing any one Allow statement flips at least one expectation', async () => {
    const all = [
      ...EXPECTATIONS,
      ...functionExpectations(),
      ...statusExpectations(),
      ...driftReadExpectations(model),
    ];
    const requests = all.map((e) => ({ e, req: request(e) }));
    const baseline = new Map<number, boolean>();
    for (const [i, { req }] of requests.entries()) baseline.set(i, (await evaluate(model, req)).allowed);
    const undepended: string[] = [];
    let statements = 0;
    let flips = 0;
    for (const policy of model.policies) {
      const list: unknown[] = [policy.document.Statement].flat();
      const touching = requests
        .map((r, i) => ({ ...r, i }))
        .filter(({ req }) => {
          const p = model.principals.get(req.principal);
          return (
            p?.identityPolicies.includes(policy) || model.resourcePolicy(req.resource)?.id.includes(policy.id)
          );
        });
      for (let k = 0; k < list.length; k++) {
        const s = list[k] as { Effect: string; Sid?: string };
        if (s.Effect !== 'Allow') continue;
        // Account delegation in key policies is needed by every IAM-granted KMS call: counted, not removed,
        // because without it the key is unmanageable (AWS refuses such key policies by default).
        statements++;
        const saved = policy.document.Statement;
        policy.document.Statement = list.filter((_x, j) => j !== k);
        let flipped = 0;
        try {
          for (const { req, i } of touching) {
            if ((await evaluate(model, req)).allowed !== baseline.get(i)) flipped++;
          }
        } finally {
          policy.document.Statement = saved;
        }
        flips += flipped;
        if (!flipped) undepended.push(`${policy.id} [${s.Sid ?? `statement ${k + 1}`}]`);
      }
    }
    console.log(
      `mutation: ${statements} Allow statements removed one at a time, ${statements - undepended.length} flipped at least one expectation (${flips} flips in all)`,
    );
    expect(undepended, `Allow statements no expectation depends on:\n${undepended.join('\n')}`).toEqual([]);
  }, 600_000);
});

/**
 * Issue #14: the conditions that replaced per-domain lists carry the security meaning, so each must be needed:
 * without it, at least one Deny of the matrix (another environment's identity, a non-DKIM record, a spoofed
 * From) becomes an Allow.
 */
const SCALE_KEYS = [
  'aws:ResourceTag/aws:cloudformation:stack-name',
  'route53:ChangeResourceRecordSetsNormalizedRecordNames',
  'ses:FromAddress',
];

describe('mutation: every condition that replaced a per-domain list is needed', () => {
  it('removing any one of them from any statement flips at least one expectation', async () => {
    const all = [...EXPECTATIONS, ...functionExpectations(), ...driftReadExpectations(model)];
    const requests = all.map((e) => ({ e, req: request(e) }));
    const baseline = await Promise.all(requests.map(async ({ req }) => (await evaluate(model, req)).allowed));
    const unneeded: string[] = [];
    let mutated = 0;
    for (const policy of model.policies) {
      for (const s of [policy.document.Statement].flat() as {
        Sid?: string;
        Effect: string;
        Condition?: Record<string, Record<string, unknown>>;
      }[]) {
        for (const [op, keys] of Object.entries(s.Condition ?? {})) {
          for (const key of Object.keys(keys)) {
            if (s.Effect !== 'Allow' || !SCALE_KEYS.includes(key)) continue;
            mutated++;
            const saved = s.Condition!;
            const rest = Object.fromEntries(Object.entries(keys).filter(([k]) => k !== key));
            s.Condition = { ...saved, [op]: rest };
            if (!Object.keys(rest).length) delete s.Condition[op];
            let flipped = 0;
            try {
              for (const [i, { req }] of requests.entries()) {
                const p = model.principals.get(req.principal);
                if (!p?.identityPolicies.includes(policy)) continue;
                if ((await evaluate(model, req)).allowed !== baseline[i]) flipped++;
              }
            } finally {
              s.Condition = saved;
            }
            if (!flipped) unneeded.push(`${policy.id} [${s.Sid ?? '?'}] ${op} ${key}`);
          }
        }
      }
    }
    console.log(`condition mutation: ${mutated} scale conditions removed one at a time`);
    expect(mutated).toBeGreaterThanOrEqual(8);
    expect(unneeded, `conditions no expectation depends on:\n${unneeded.join('\n')}`).toEqual([]);
  }, 600_000);
});
