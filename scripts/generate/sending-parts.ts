/**
 * The sending policy parts (security stack outputs `SendingPolicyArn`, `SendingPolicy2Arn`, ...) are managed
 * policies every sending application attaches. Generate warns when an environment needs more than IAM's default
 * quota of managed policies per role (10; the hard maximum, 20, is refused by the limits check), and names the
 * parts added or removed since the last generate: applications must attach a new part, and detach a removed one
 * before the deploy (CloudFormation cannot delete a managed policy still attached: DeleteConflict). Pure.
 */
import { MANAGED_POLICIES_PER_ROLE_DEFAULT, TEMPLATE_LIMITS } from '../../contracts/limits.js';

const SECURITY_TEMPLATE = /^templates\/([^/]+)\/security\.json$/;
const PART_OUTPUT = /^SendingPolicy\d*Arn$/;

/** env -> the part outputs of its security template, in part order. */
function partOutputs(files: Iterable<readonly [string, string]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [path, body] of files) {
    const m = SECURITY_TEMPLATE.exec(path);
    if (!m) continue;
    const outputs = Object.keys((JSON.parse(body) as { Outputs?: object }).Outputs ?? {});
    const parts = outputs.filter((o) => PART_OUTPUT.test(o));
    const n = (o: string) => Number(o.slice('SendingPolicy'.length, -'Arn'.length) || '1');
    out.set(
      m[1]!,
      parts.sort((a, b) => n(a) - n(b)),
    );
  }
  return out;
}

/** The WARNING and NOTICE lines for the sending policy parts of `next` compared with `previous`. */
export function sendingPartsNotices(
  previous: Iterable<readonly [string, string]>,
  next: Iterable<readonly [string, string]>,
): string[] {
  const before = partOutputs(previous);
  const lines: string[] = [];
  const count = (n: number) => `${n} part${n === 1 ? '' : 's'}`;
  for (const [env, now] of [...partOutputs(next)].sort(([a], [b]) => a.localeCompare(b))) {
    if (now.length > MANAGED_POLICIES_PER_ROLE_DEFAULT) {
      lines.push(
        `WARNING: ${env}: the sending policy has ${now.length} parts, more than IAM's default quota of ` +
          `${MANAGED_POLICIES_PER_ROLE_DEFAULT} managed policies per role or user: a role that attaches every part ` +
          `needs the quota raised (at most ${TEMPLATE_LIMITS.sendingPolicyParts.max}; Service Quotas, IAM ` +
          `"Managed policies per role"), or fewer domains per environment (${TEMPLATE_LIMITS.sendingPolicyParts.source})`,
      );
    }
    const was = before.get(env);
    if (!was) continue;
    const added = now.filter((o) => !was.includes(o));
    const removed = was.filter((o) => !now.includes(o));
    if (added.length) {
      lines.push(
        `NOTICE: ${env}: the sending policy now has ${count(now.length)} (was ${was.length}): applications must ` +
          `attach the new part${added.length > 1 ? 's' : ''} (security stack output${added.length > 1 ? 's' : ''} ` +
          `${added.join(', ')}) after the deploy, or they cannot send as the domains listed there`,
      );
    }
    if (removed.length) {
      lines.push(
        `NOTICE: ${env}: the sending policy now has ${count(now.length)} (was ${was.length}): applications must ` +
          `detach the removed part${removed.length > 1 ? 's' : ''} (security stack output${removed.length > 1 ? 's' : ''} ` +
          `${removed.join(', ')}) BEFORE the deploy: CloudFormation cannot delete a managed policy still ` +
          'attached to a role, user or group (DeleteConflict) and the security stack update fails',
      );
    }
  }
  return lines;
}
