/**
 * Reads and validates every environment file (environments/<env>.yaml or .yml); all problems of all files are
 * reported together. Files that are not environment files (hidden files, editor lock and backup files) are
 * skipped and reported through `onIgnored`. Across files, no two may be one Sceptre environment (dev.yml and
 * dev.yaml), or, in one account, share projectCode + environment (their resources would carry the same names) or
 * list one domain (an SES identity is the domain itself).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem, parseEnvConfig, problem } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';

export const ENV_DIR = 'environments';

const ENV_FILE = /\.ya?ml$/;

/** Why a directory entry is not an environment file, or null when it is one. */
export function notAnEnvironmentFile(name: string): string | null {
  if (name.startsWith('.#')) return 'an editor lock file';
  if (name.startsWith('.')) return 'a hidden file';
  if (name.startsWith('#') || name.endsWith('#') || name.endsWith('~')) return 'an editor backup file';
  if (!ENV_FILE.test(name))
    return /\.ya?ml\./.test(name) ? 'a backup or swap file' : 'not a .yaml or .yml file';
  return null;
}

/** Line of the key at `path` in a YAML text (for messages about another file, or after parsing). */
/** The last file parsed for line numbers: keyLine runs once per domain, a parse per call was O(domains²). */
let parsed: { text: string; doc: ReturnType<typeof parseDocument>; lines: LineCounter } | undefined;

function keyLine(text: string, path: readonly (string | number)[]): number | undefined {
  if (parsed?.text !== text) {
    const lines = new LineCounter();
    parsed = { text, doc: parseDocument(text, { lineCounter: lines }), lines };
  }
  const { doc, lines } = parsed;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    return pair && isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]).line : undefined;
  }
  return undefined;
}

export interface LoadOptions {
  /** Told about every file of the directory that is skipped (a name that looks like YAML only). */
  readonly onIgnored?: (file: string, why: string) => void;
}

export function loadEnvironments(dir = ENV_DIR, options: LoadOptions = {}): EnvConfig[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const entry of entries) {
    const why = notAnEnvironmentFile(entry.name);
    if (why === null && !entry.isFile() && !entry.isSymbolicLink()) continue; // a directory
    if (why !== null) {
      if (/\.ya?ml/.test(entry.name)) options.onIgnored?.(`${dir}/${entry.name}`, why);
      continue;
    }
    files.push(entry.name);
  }
  if (files.length === 0) throw new Error(`no environment files (<env>.yaml) in ${dir}/`);
  const problems: ConfigProblem[] = [];
  const loaded: { cfg: EnvConfig; text: string }[] = [];
  const byEnv = new Map<string, string>();
  for (const f of files) {
    const path = `${dir}/${f}`;
    const env = f.replace(ENV_FILE, '');
    const other = byEnv.get(env);
    if (other !== undefined) {
      problems.push({
        file: path,
        path: '(file name)',
        value: JSON.stringify(env),
        allowed: 'must be the only file for its Sceptre environment',
        text: `is a second file for the Sceptre environment "${env}" (${other} is the other): keep one of them`,
      });
      continue;
    }
    byEnv.set(env, path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      problems.push({
        file: path,
        path: '(file)',
        allowed: 'must be readable',
        text: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
      continue;
    }
    try {
      loaded.push({ cfg: parseEnvConfig(path, text), text });
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  problems.push(...crossFileProblems(loaded));
  if (problems.length) throw new ConfigError(problems);
  return loaded.map((l) => l.cfg);
}

/**
 * Resource names and SES identities must be unique per account: two files pinned to one accountId (or either
 * without one) may not share projectCode + environment or a domain.
 */
function crossFileProblems(loaded: readonly { cfg: EnvConfig; text: string }[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const prefixes = new Map<string, { cfg: EnvConfig; text: string }>();
  const domains = new Map<string, () => string>();
  // names need only be unique per account: files pinned to different accounts do not collide
  const account = (cfg: EnvConfig) => cfg.accountId ?? '(no accountId)';
  // shorter Sceptre names first (prod before prod-copy): the copy is the file the message points at
  const ordered = [...loaded].sort(
    (a, b) =>
      a.cfg.sceptreEnv.length - b.cfg.sceptreEnv.length || (a.cfg.sceptreEnv < b.cfg.sceptreEnv ? -1 : 1),
  );
  for (const l of ordered) {
    const { cfg, text } = l;
    const prefix = `${cfg.projectCode}-${cfg.environment}`;
    const first = prefixes.get(`${account(cfg)} ${prefix}`);
    if (first) {
      const at = keyLine(first.text, ['environment']);
      problems.push(
        problem(
          cfg.source,
          keyLine(text, ['environment']),
          'environment',
          JSON.stringify(cfg.environment),
          `must differ from ${first.cfg.source}${at ? `:${at}` : ''}, which has the same projectCode and environment: ` +
            `both would create the resources named ${prefix}-... (give this file its own environment, e.g. ` +
            `environment: ${cfg.sceptreEnv === first.cfg.sceptreEnv ? `${cfg.environment}-2` : cfg.sceptreEnv})`,
        ),
      );
    } else {
      prefixes.set(`${account(cfg)} ${prefix}`, l);
    }
    cfg.ses.domains.forEach((d, i) => {
      // Line numbers only for a problem: a parse for every domain's line made 1,000 domains slow (issue #14).
      const lineOf = () => keyLine(text, ['ses', 'domains', i, 'name']);
      const where = () => {
        const line = lineOf();
        return `${cfg.source}${line ? `:${line}` : ''} (ses.domains[${i}].name)`;
      };
      const other = domains.get(`${account(cfg)} ${d.name}`);
      if (other === undefined) {
        domains.set(`${account(cfg)} ${d.name}`, where);
        return;
      }
      problems.push(
        problem(
          cfg.source,
          lineOf(),
          `ses.domains[${i}].name`,
          JSON.stringify(d.name),
          `must not also be in ${other()}: an SES identity is the domain itself, so two environments in one account ` +
            'would manage (and delete) the same identity',
        ),
      );
    });
  }
  return problems;
}
