/**
 * Compares a deployed template with the freshly generated one: which resources would be added, removed or
 * changed, and which other top-level sections differ. Both sides are normalized (parsed, keys sorted), so
 * formatting and key order never count as a change.
 */
export interface TemplateDiff {
  /** Logical ids only in the local template: the next deploy creates them. */
  readonly added: readonly string[];
  /** Logical ids only in the deployed template: the next deploy deletes them. */
  readonly removed: readonly string[];
  /** Logical ids in both whose definition differs, with the changed top-level keys (`Properties.Tags`). */
  readonly changed: readonly { readonly logicalId: string; readonly keys: readonly string[] }[];
  /** Other top-level sections that differ (`Outputs`, `Parameters`, `Description`, ...). */
  readonly sections: readonly string[];
}

/** True when the diff holds no change. */
export function isEmptyDiff(diff: TemplateDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.sections.length;
}

/**
 * Parses a JSON template body (what the generator writes and CloudFormation returns for it). YAML bodies need
 * a YAML parser: the CLI passes `parseTemplate` of scripts/drift/template-parse.ts; the weekly function
 * compares no templates and carries no YAML library.
 */
export function parseJsonTemplate(body: string): Record<string, unknown> {
  // Sceptre sends JSON templates as a YAML document: `---\n{...}`.
  const trimmed = body.trim().replace(/^---\s*\n/, '');
  if (!trimmed.startsWith('{')) throw new Error("template body is not JSON (YAML needs the CLI's parser)");
  const parsed = JSON.parse(trimmed) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('template body is not a JSON mapping');
  }
  return parsed as Record<string, unknown>;
}

/** Canonical JSON text of a value: object keys sorted at every level. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function changedKeys(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  depth: number,
  prefix = '',
): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => {
    if (canonical(a[k]) === canonical(b[k])) return [];
    const path = prefix ? `${prefix}.${k}` : k;
    const [x, y] = [a[k], b[k]];
    const bothObjects = x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x);
    return depth > 1 && bothObjects ? changedKeys(record(x), record(y), depth - 1, path) : [path];
  });
}

/** Diffs two parsed templates: `deployed` (in AWS) against `local` (generated). */
export function diffTemplates(
  deployed: Record<string, unknown>,
  local: Record<string, unknown>,
): TemplateDiff {
  const dr = record(deployed.Resources);
  const lr = record(local.Resources);
  const added = Object.keys(lr)
    .filter((id) => !(id in dr))
    .sort();
  const removed = Object.keys(dr)
    .filter((id) => !(id in lr))
    .sort();
  const changed = Object.keys(lr)
    .filter((id) => id in dr && canonical(dr[id]) !== canonical(lr[id]))
    .sort()
    .map((logicalId) => ({ logicalId, keys: changedKeys(record(dr[logicalId]), record(lr[logicalId]), 2) }));
  const sections = [...new Set([...Object.keys(deployed), ...Object.keys(local)])]
    .filter((k) => k !== 'Resources' && canonical(deployed[k]) !== canonical(local[k]))
    .sort();
  return { added, removed, changed, sections };
}
