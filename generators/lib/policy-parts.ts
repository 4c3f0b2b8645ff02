/**
 * Splitting a policy that lists one entry group per domain over as many managed policies as it needs (issue #14):
 * the sending policy's From domains, the DNS-team mail policy's recipient patterns. Pure.
 */
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';
import type { CfnValue } from './cfn.js';
import { resolvedLength } from './limits-check.js';

const append = (part: readonly string[], group: readonly string[]): string[] => [...part, ...group];

/**
 * `groups` (in order) packed greedily into consecutive parts whose policy `document(part)` stays within `max`
 * characters as the limits check counts them; a group is never split over two parts, so whatever one statement
 * must match for one domain is in one policy. `merge` joins a part with the next group (default: append). A group
 * alone over `max` still gets a part of its own: the limits check then names it.
 */
export function policyParts(
  groups: readonly (readonly string[])[],
  document: (part: readonly string[]) => CfnValue,
  merge: (part: readonly string[], group: readonly string[]) => string[] = append,
  max: number = TEMPLATE_LIMITS.managedPolicy.max,
): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  for (const group of groups) {
    const next = merge(current, group);
    if (current.length > 0 && resolvedLength(document(next)) > max) {
      parts.push(current);
      current = merge([], group);
    } else current = next;
  }
  if (current.length) parts.push(current);
  return parts;
}
