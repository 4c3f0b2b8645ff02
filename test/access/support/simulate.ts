/**
 * Evaluates one request against every policy AWS would combine for it, with @cloud-copilot/iam-simulate
 * (strict mode: a condition key the request does not carry is absent, as in AWS). Returns the decision and the
 * statements that decided it (the allowing or denying statements, or "no applicable Allow").
 */
import {
  getDenialReasons,
  getGrantReasons,
  runSimulation,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import type { Model, PolicyRef } from './model.js';
import { ACCOUNT } from './resolve.js';

export interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

export interface Decision {
  readonly allowed: boolean;
  readonly result: string;
  /** The statements that decided: "<policy id> [Sid or #index]". */
  readonly deciding: string[];
  /** Context keys the simulator dropped as not applicable to the action (a typo in the matrix shows here). */
  readonly ignoredContextKeys: string[];
}

/** The simulator numbers statements from 1. */
function label(ref: PolicyRef | undefined, index: number, sid?: string): string {
  const statement = [ref?.document?.Statement ?? []].flat()[index - 1];
  return `${ref?.id ?? '?'} [${sid ?? statement?.Sid ?? `statement ${index}`}]`;
}

/**
 * iam-simulate 0.1.173 drops request context keys its catalogue does not list for the action: the variable keys
 * `kms:EncryptionContext:<key>` (its variable-key match only handles keys with a "/") and an OIDC provider's
 * `<host>:aud` / `<host>:sub`. Conditions on them could then never match. Both the policies and the request carry
 * such keys renamed to a variable key it keeps (`aws:RequestTag/<original key>`, unused by the templates), which
 * leaves every operator and value as written. Any other dropped key fails the evaluation.
 */
const ALIASED = /^(kms:EncryptionContext:|token\.actions\.githubusercontent\.com:)/i;
const alias = (k: string) => `aws:RequestTag/${k.toLowerCase()}`;

function aliasContextKeys(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(aliasContextKeys);
  if (doc === null || typeof doc !== 'object') return doc;
  return Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [ALIASED.test(k) ? alias(k) : k, aliasContextKeys(v)]),
  );
}

export async function evaluate(model: Model, req: Request): Promise<Decision> {
  const principal = model.principals.get(req.principal);
  const isService = req.principal.startsWith('service:');
  const federated = req.principal.startsWith('federated:')
    ? `arn:aws:iam::${ACCOUNT}:oidc-provider/${req.principal.slice('federated:'.length)}`
    : undefined;
  const principalValue = isService ? req.principal.slice('service:'.length) : (federated ?? principal?.arn);
  if (!principalValue) throw new Error(`unknown principal ${req.principal}`);
  const identity = principal?.identityPolicies ?? [];
  const resourcePolicy = model.resourcePolicy(req.resource);
  const context: Record<string, string | string[]> = {
    'aws:SecureTransport': 'true',
    ...(isService || federated
      ? {}
      : { 'aws:PrincipalArn': principalValue, 'aws:PrincipalAccount': ACCOUNT }),
    ...req.context,
  };
  // The resource's tags as AWS reads them (aws:ResourceTag/<key>), unless the request sets them explicitly (a
  // matrix row modelling another environment's identity). Actions that take no aws:ResourceTag drop them.
  const tagKeys = new Set<string>();
  for (const [k, v] of Object.entries(model.resourceTags(req.resource))) {
    const key = `aws:ResourceTag/${k}`;
    if (key in context) continue;
    context[key] = v;
    tagKeys.add(key);
  }
  for (const k of Object.keys(context)) {
    if (ALIASED.test(k)) {
      context[alias(k)] = context[k]!;
      delete context[k];
    }
  }
  const simulation: Simulation = {
    request: {
      principal: principalValue,
      action: req.action,
      resource: { resource: req.resource, accountId: ACCOUNT },
      contextVariables: context,
    },
    identityPolicies: identity.map((p) => ({ name: p.id, policy: aliasContextKeys(p.document) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy: aliasContextKeys(resourcePolicy.document) } : {}),
  };
  const out = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (out.resultType === 'error') {
    throw new Error(`simulation error for ${JSON.stringify(req)}: ${JSON.stringify(out.errors)}`);
  }
  const single = out.resultType === 'single' ? out.result : out.results[0];
  const ignored = (single?.ignoredContextKeys ?? []).filter((k) => !tagKeys.has(k));
  if (ignored.length) {
    throw new Error(`the simulator drops context keys ${ignored.join(', ')} of ${JSON.stringify(req)}`);
  }
  const result = out.overallResult;
  const allowed = result === 'Allowed';
  const deciding: string[] = [];
  if (single) {
    const byName = new Map(identity.map((p) => [p.id, p]));
    if (allowed) {
      for (const g of getGrantReasons(single.analysis)) {
        if (g.policyType === 'resource')
          deciding.push(label(resourcePolicy, g.statementIndex, g.statementId));
        else if (g.policyType === 'identity') {
          deciding.push(label(byName.get(g.policyIdentifier), g.statementIndex, g.statementId));
        }
      }
    } else {
      for (const d of getDenialReasons(single.analysis)) {
        if (d.denialType === 'Explicit') {
          const ref = d.policyType === 'resource' ? resourcePolicy : byName.get(d.policyIdentifier ?? '');
          deciding.push(`Deny by ${label(ref, d.statementIndex, d.statementId)}`);
        } else deciding.push(`no applicable Allow (${d.policyType})`);
      }
    }
  }
  return {
    allowed,
    result,
    deciding,
    ignoredContextKeys: ignored,
  };
}
