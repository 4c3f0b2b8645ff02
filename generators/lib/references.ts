/**
 * References checked at generate time: every output a stack imports with `ctx.fromStack()` (a Sceptre
 * `!stack_output`) must be declared by the exporting stack, or the deploy would fail half-way; every logical id
 * a template names must be declared in it.
 */
import type { RenderedStack } from './template.js';

/** Throws one error listing every import whose output the exporting stack does not declare, and every logical id a template names but does not declare. */
export function checkReferences(source: string, rendered: readonly RenderedStack[]): void {
  const outputs = new Map(
    rendered.map((r) => [
      r.definition.id,
      Object.keys((r.template.Outputs ?? {}) as Record<string, unknown>),
    ]),
  );
  const problems: string[] = [];
  for (const r of rendered) {
    problems.push(...logicalReferenceProblems(r));
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

/** The pseudo parameters a template may `Ref` without declaring them. */
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/**
 * Every logical id a template names (`Ref`, `Fn::GetAtt`, `${...}` in `Fn::Sub`, `DependsOn`, `Condition`,
 * `Fn::If`) that it does not declare: one line per reference, with the JSON path. A typo in a logical id fails
 * here, at generate time, instead of in CloudFormation's template validation.
 */
export function logicalReferenceProblems(rendered: RenderedStack): string[] {
  const { template } = rendered;
  const stack = rendered.definition.id;
  const keys = (v: unknown) => new Set(v && typeof v === 'object' ? Object.keys(v) : []);
  const resources = keys(rendered.resources);
  const parameters = keys(template.Parameters);
  const conditions = keys(template.Conditions);
  const problems: string[] = [];
  const miss = (path: string, what: string, id: string) =>
    problems.push(`stack ${stack}: ${path} names ${what} ${id}, which the template does not declare`);
  const value = (path: string, id: string, locals: ReadonlySet<string> = new Set()) => {
    if (!resources.has(id) && !parameters.has(id) && !PSEUDO_PARAMETERS.has(id) && !locals.has(id)) {
      miss(path, 'resource or parameter', id);
    }
  };
  const attribute = (path: string, id: string) => {
    if (!resources.has(id)) miss(path, 'resource', id);
  };
  const sub = (path: string, text: string, locals: ReadonlySet<string>) => {
    // ${Name} or ${Resource.Attribute}; ${!Literal} is an escaped literal.
    for (const [, name] of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
      const [id = '', attr] = (name ?? '').trim().split(/\.(.*)/s);
      if (attr !== undefined && !id.startsWith('AWS::')) attribute(path, id);
      else value(path, (name ?? '').trim(), locals);
    }
  };
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((x: unknown, i) => {
        walk(x, `${path}[${i}]`);
      });
      return;
    }
    if (!v || typeof v !== 'object') return;
    const entries: [string, unknown][] = Object.entries(v);
    const [name, args] = entries.length === 1 ? (entries[0] ?? []) : [];
    if (name === 'Ref' && typeof args === 'string') {
      value(path, args);
      return;
    }
    if (name === 'Fn::GetAtt') {
      const id = Array.isArray(args) ? args[0] : typeof args === 'string' ? args.split('.')[0] : undefined;
      if (typeof id === 'string') attribute(path, id);
    } else if (name === 'Fn::Sub' && typeof args === 'string') {
      sub(path, args, new Set());
    } else if (name === 'Fn::Sub' && Array.isArray(args) && typeof args[0] === 'string') {
      sub(path, args[0], keys(args[1]));
    } else if (name === 'Fn::If' && Array.isArray(args) && typeof args[0] === 'string') {
      if (!conditions.has(args[0])) miss(path, 'condition', args[0]);
    }
    for (const [k, x] of entries) walk(x, `${path}.${k}`);
  };
  for (const [id, r] of Object.entries(rendered.resources)) {
    for (const dep of [r.DependsOn ?? []].flat()) {
      if (!resources.has(dep)) miss(`Resources.${id}.DependsOn`, 'resource', dep);
    }
    if (r.Condition !== undefined && !conditions.has(r.Condition)) {
      miss(`Resources.${id}.Condition`, 'condition', r.Condition);
    }
    walk(r.Properties, `Resources.${id}.Properties`);
  }
  walk(template.Outputs, 'Outputs');
  walk(template.Conditions, 'Conditions');
  return problems;
}
