/**
 * Parses and validates an environment file. Pure apart from taking the file's text: the caller reads it.
 * Every problem becomes one line naming the file, line, key path, the value given and what is allowed.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type EnvConfig, envConfigSchema } from './schema.js';

export interface ConfigProblem {
  readonly file: string;
  readonly line?: number;
  readonly path: string;
  readonly value: string;
  readonly allowed: string;
}

/** A configuration that cannot be used; `problems` lists every one found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration:\n${problems
        .map((p) => `  ${p.file}${p.line ? `:${p.line}` : ''}: ${p.path}: ${p.value} ${p.allowed}`)
        .join('\n')}`,
    );
  }
}

const SCEPTRE_ENV = /^[a-z][a-z0-9-]{0,19}$/;

function renderPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

function renderValue(value: unknown): string {
  if (value === undefined) return 'is missing;';
  const text = JSON.stringify(value);
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `value ${short}`;
}

function lookup(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function allowedText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `is not allowed: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: remove or fix the spelling`;
    case 'invalid_type':
      return `is not allowed: must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    case 'too_small':
      return `is not allowed: ${issue.message.replace(/^Too small: expected /, 'must be ')}`;
    case 'too_big':
      return `is not allowed: ${issue.message.replace(/^Too big: expected /, 'must be ')}`;
    default:
      return `is not allowed: ${issue.message}`;
  }
}

/**
 * Validates `text`, the contents of `file` (e.g. environments/prod.yaml). The Sceptre environment name is the
 * file's base name. Throws ConfigError listing every problem.
 */
export function parseEnvConfig(file: string, text: string): EnvConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        file,
        line: lineCounter.linePos(e.pos[0]).line,
        path: '(YAML syntax)',
        value: 'the file',
        allowed: `is not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const raw: unknown = doc.toJS();
  const sceptreEnv = (file.split('/').pop() ?? file).replace(/\.ya?ml$/, '');
  const problems: ConfigProblem[] = [];
  if (!SCEPTRE_ENV.test(sceptreEnv)) {
    problems.push({
      file,
      path: '(file name)',
      value: `value ${JSON.stringify(sceptreEnv)}`,
      allowed:
        'is not allowed: the file name (the Sceptre environment) must be lower-case letters, digits, hyphens',
    });
  }
  const result = envConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    for (const issue of result.error.issues) {
      const node = doc.getIn(issue.path as PropertyKey[] as string[], true);
      const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
      const value = issue.code === 'unrecognized_keys' ? undefined : lookup(raw, issue.path);
      problems.push({
        file,
        ...(line ? { line } : {}),
        path: renderPath(issue.path),
        value: issue.code === 'unrecognized_keys' ? 'object' : renderValue(value),
        allowed: allowedText(issue),
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const cfg = result.data!;
  return { ...cfg, sceptreEnv, source: file, retain: cfg.retainData ?? cfg.environment === 'production' };
}
