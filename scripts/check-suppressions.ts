/**
 * Fails when a template suppresses a checkov or cfn-lint check without a written reason in the resource's
 * metadata: every suppression must say why.
 */
import { readFileSync } from 'node:fs';

interface Finding {
  file: string;
  resource: string;
  problem: string;
}

export function findUnjustified(
  file: string,
  template: { Resources?: Record<string, { Metadata?: unknown }> },
): Finding[] {
  const findings: Finding[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const meta = (r.Metadata ?? {}) as Record<string, unknown>;
    const checkov = meta.checkov as { skip?: { id?: string; comment?: string }[] } | undefined;
    for (const s of checkov?.skip ?? []) {
      if (!s.id || !s.comment || s.comment.trim().length < 15) {
        findings.push({ file, resource: id, problem: `checkov skip ${s.id ?? '(no id)'} has no reason` });
      }
    }
    const lint = meta['cfn-lint'] as { config?: { ignore_checks?: string[] } } | undefined;
    const reasons = (meta['cfn-lint-reasons'] ?? {}) as Record<string, string>;
    for (const rule of lint?.config?.ignore_checks ?? []) {
      if (!reasons[rule] || reasons[rule].trim().length < 15) {
        findings.push({
          file,
          resource: id,
          problem: `cfn-lint ignore ${rule} has no reason in cfn-lint-reasons`,
        });
      }
    }
  }
  return findings;
}

const files = process.argv.slice(2);
const all = files.flatMap((f) => findUnjustified(f, JSON.parse(readFileSync(f, 'utf8'))));
for (const f of all) console.error(`${f.file}: ${f.resource}: ${f.problem}`);
if (all.length) process.exit(1);
console.log(`suppressions: every skip in ${files.length} templates carries a reason`);
