/** Which drift findings an ignore rule covers (the rules come from the CLI's drift-ignore.yaml). */

export interface IgnoreRule {
  readonly stack: string;
  readonly resource: string;
  readonly property?: string;
  readonly reason: string;
  /** Where the rule was written: `drift-ignore.yaml: ignore[2]`. */
  readonly source: string;
}

/** True when the rule names this stack (short or full name) and resource. */
export function ruleMatchesResource(
  rule: IgnoreRule,
  stack: { name: string; stackName: string },
  logicalId: string,
): boolean {
  return (rule.stack === stack.name || rule.stack === stack.stackName) && rule.resource === logicalId;
}

/** True when the rule covers this property path: no property (whole resource), the same path, or a prefix. */
export function ruleMatchesPath(rule: IgnoreRule, path: string | undefined): boolean {
  if (rule.property === undefined) return true;
  if (path === undefined) return false;
  return path === rule.property || path.startsWith(`${rule.property.replace(/\/$/, '')}/`);
}
