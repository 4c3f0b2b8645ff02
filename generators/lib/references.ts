/**
 * Cross-stack references checked at generate time: every output a stack imports with `ctx.fromStack()` (a
 * Sceptre `!stack_output`) must be declared by the exporting stack, or the deploy would fail half-way.
 */
import type { RenderedStack } from './template.js';

/** Throws one error listing every import whose output the exporting stack does not declare. */
export function checkReferences(source: string, rendered: readonly RenderedStack[]): void {
  const outputs = new Map(
    rendered.map((r) => [
      r.definition.id,
      Object.keys((r.template.Outputs ?? {}) as Record<string, unknown>),
    ]),
  );
  const problems: string[] = [];
  for (const r of rendered) {
    for (const i of r.imports) {
      const declared = outputs.get(i.stack);
      if (!declared) {
        problems.push(
          `stack ${r.definition.id} imports ${i.output} from stack ${i.stack}, which is not generated`,
        );
      } else if (!declared.includes(i.output)) {
        problems.push(
          `stack ${r.definition.id} imports output ${i.output} of stack ${i.stack}, which stack ${i.stack} does not ` +
            `declare (its outputs: ${declared.join(', ') || 'none'})`,
        );
      }
    }
  }
  if (problems.length) throw new Error(`${source}: ${problems.join('; ')}`);
}
