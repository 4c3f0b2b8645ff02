/**
 * `ses.identityStacks` changed since the last generate: which SES identities would move to another stack. A move
 * is a delete in one stack and a create in another (DKIM signing and verification start over for the domain), so
 * generate refuses it unless `--move-identities` says the operator means it (README "Spreading identities over
 * stacks"). Pure: the previous and the new template bodies in, the moves out.
 */
import { UsageError } from '../../lib/errors.js';

export interface IdentityMove {
  readonly env: string;
  readonly domain: string;
  readonly from: string;
  readonly to: string;
}

const IDENTITY_TEMPLATE = /^templates\/([^/]+)\/(ses|ses-identities-\d+)\.json$/;

/** env -> domain -> identity stack, from template files keyed `templates/<env>/<stack>.json`. */
function placement(files: Iterable<readonly [string, string]>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [path, body] of files) {
    const m = IDENTITY_TEMPLATE.exec(path);
    if (!m) continue;
    const resources =
      (
        JSON.parse(body) as {
          Resources?: Record<string, { Type?: string; Properties?: { EmailIdentity?: unknown } }>;
        }
      ).Resources ?? {};
    const byDomain = out.get(m[1]!) ?? new Map<string, string>();
    for (const r of Object.values(resources)) {
      if (r.Type === 'AWS::SES::EmailIdentity' && typeof r.Properties?.EmailIdentity === 'string') {
        byDomain.set(r.Properties.EmailIdentity, m[2]!);
      }
    }
    out.set(m[1]!, byDomain);
  }
  return out;
}

/** The identities kept in the configuration whose stack differs between `previous` and `next`. */
export function identityMoves(
  previous: Iterable<readonly [string, string]>,
  next: Iterable<readonly [string, string]>,
): IdentityMove[] {
  const before = placement(previous);
  const moves: IdentityMove[] = [];
  for (const [env, now] of placement(next)) {
    const was = before.get(env);
    if (!was) continue;
    for (const [domain, to] of now) {
      const from = was.get(domain);
      if (from !== undefined && from !== to) moves.push({ env, domain, from, to });
    }
  }
  return moves.sort((a, b) => a.env.localeCompare(b.env) || a.domain.localeCompare(b.domain));
}

/** Refuses moves the operator did not ask for, naming how many, an example, what it does and what to run. */
export function refuseUnaskedMoves(moves: readonly IdentityMove[], allowed: boolean): void {
  if (!moves.length || allowed) return;
  const envs = [...new Set(moves.map((m) => m.env))];
  const first = moves[0]!;
  throw new UsageError(
    `ses.identityStacks changed for ${envs.join(', ')}: ${moves.length} SES identities would move to another ` +
      `stack (e.g. ${first.domain}: ${first.from} -> ${first.to}); CloudFormation does that by deleting and ` +
      're-creating each identity (its DKIM signing and verification start over). Keep the previous ' +
      'ses.identityStacks, or move them on purpose (README "Spreading identities over stacks") and run ' +
      'npm run generate -- --move-identities',
  );
}
