/**
 * Template bodies as CloudFormation returns them, JSON or YAML (Sceptre's `---\n{...}`, hand-written stacks
 * with short-form intrinsics). Kept out of lib/drift so that the weekly function does not bundle `yaml`.
 */
import { parse, type Tags } from 'yaml';
import { parseJsonTemplate } from '../../lib/drift/template-diff.js';

// CloudFormation's short-form intrinsics (!Ref, !Sub, ...) in a YAML template become their long form.
const INTRINSICS = ['Ref', 'Condition'].concat(
  [
    'Base64',
    'Cidr',
    'FindInMap',
    'GetAtt',
    'GetAZs',
    'ImportValue',
    'Join',
    'Select',
    'Split',
    'Sub',
    'Transform',
  ]
    .concat(['And', 'Equals', 'If', 'Not', 'Or', 'Length', 'ToJsonString'])
    .map((f) => `Fn::${f}`),
);
const CFN_TAGS: Tags = INTRINSICS.flatMap((full): Tags => {
  const short = `!${full.replace('Fn::', '')}`;
  const key = full;
  const wrap = (v: unknown) =>
    ({ [key]: key === 'Fn::GetAtt' && typeof v === 'string' ? v.split('.') : v }) as Record<string, unknown>;
  return [
    { tag: short, resolve: (v: string) => wrap(v) },
    { tag: short, collection: 'seq' as const, resolve: (v: { toJSON(): unknown }) => wrap(v.toJSON()) },
    { tag: short, collection: 'map' as const, resolve: (v: { toJSON(): unknown }) => wrap(v.toJSON()) },
  ];
});

/** Parses a template body as CloudFormation returns it (JSON, or YAML such as Sceptre's `---\n{...}`). */
export function parseTemplate(body: string): Record<string, unknown> {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) return parseJsonTemplate(trimmed);
  const parsed = parse(trimmed, { customTags: CFN_TAGS, logLevel: 'error' }) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('template body is not a JSON or YAML mapping');
  }
  return parsed as Record<string, unknown>;
}
