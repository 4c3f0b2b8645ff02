/**
 * Parses and validates an environment file. Pure apart from taking the file's text: the caller reads it.
 * Every problem becomes one plain-English line naming the file, the line of the offending key, the key path,
 * the value given and what is allowed:
 *
 *   environments/prod.yaml:41: alarms.bounceRate.P1.threshold is 150: it must be a number from 0.01 to 100 percent
 *
 * The schema (schema.ts) checks each key; the checks here relate keys to each other (tier order, lifecycle,
 * allow-all ranges, duplicate domains, name length).
 */
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { SEVERITIES } from '../../contracts/severity.js';
import {
  ALARM_TIER_DEFAULTS,
  ALARM_TIER_ORDER,
  type AlarmFamily,
  type EnvConfig,
  envConfigSchema,
  isAllowAllCidr,
  MAX_PREFIX_LENGTH,
} from './schema.js';

export interface ConfigProblem {
  readonly file: string;
  /** Line of the offending key (of the enclosing key when the key is missing). */
  readonly line?: number;
  /** Key path, e.g. `alarms.bounceRate.P1.threshold`, `ses.domains[1].name`. */
  readonly path: string;
  /** The value given, as JSON (`150`, `"staging"`); undefined when the key is missing. */
  readonly value?: string;
  /** What is allowed, a predicate: `must be a number from 0.01 to 100 percent`. */
  readonly allowed: string;
  /** The whole sentence after `file:line: `. */
  readonly text: string;
}

/** One line of a problem: `file:line: text`. */
export function problemLine(p: ConfigProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.text}`;
}

/** A configuration that cannot be used; `problems` lists every one found, not just the first. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${problemLine(p)}`).join('\n')}`);
  }
}

/** Builds a problem; `value` undefined means the key is missing. */
export function problem(
  file: string,
  line: number | undefined,
  path: string,
  value: string | undefined,
  allowed: string,
): ConfigProblem {
  const subject = value === undefined ? `${path} is missing: add it; it` : `${path} is ${value}: it`;
  return {
    file,
    ...(line ? { line } : {}),
    path,
    ...(value === undefined ? {} : { value }),
    allowed,
    text: `${subject} ${allowed}`,
  };
}

/** Sceptre environment names (the file's base name). */
export const SCEPTRE_ENV = /^[a-z][a-z0-9-]{0,19}$/;

type Path = readonly PropertyKey[];

export function renderPath(path: Path): string {
  if (path.length === 0) return '(top level)';
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/** The value as the operator would recognise it: JSON for scalars, a short form for lists and mappings. */
export function renderValue(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    const text = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return text.length > 80 ? `a list of ${value.length}` : text;
  }
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}

function lookup(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** True when the file itself sets the key at `path` (not a default). */
function isSet(root: unknown, path: Path): boolean {
  return lookup(root, path) !== undefined;
}

/** Line of the key at `path`: the key of a mapping entry, the item of a list; else the nearest enclosing key. */
function keyLine(doc: Document, lines: LineCounter, path: Path): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const parentPath = path.slice(0, depth - 1);
    const last = path[depth - 1];
    const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath as unknown[], true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
      if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
    } else if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last];
      if (isNode(item) && item.range) return lines.linePos(item.range[0]).line;
    }
  }
  return undefined;
}

// --- zod schema walking (for the keys allowed where an unknown key was found) ---------------------------------

interface ZodDefLike {
  readonly type: string;
  readonly innerType?: ZodLike;
  readonly in?: ZodLike;
  readonly shape?: Record<string, ZodLike>;
  readonly element?: ZodLike;
}
interface ZodLike {
  readonly _zod: { readonly def: ZodDefLike };
}

function unwrap(schema: ZodLike): ZodLike {
  let s = schema;
  for (;;) {
    const def = s._zod.def;
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return s;
    s = inner;
  }
}

/** The keys the schema allows in the mapping at `path`. */
function knownKeys(path: Path): string[] {
  let s = unwrap(envConfigSchema as unknown as ZodLike);
  for (const key of path) {
    const def = s._zod.def;
    const next =
      def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : undefined;
    if (!next) return [];
    s = unwrap(next);
  }
  return s._zod.def.type === 'object' ? Object.keys(s._zod.def.shape ?? {}) : [];
}

/** Rules for the issues the schema does not word itself (types of mappings, lists, switches; choices). */
function genericRule(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    switch (issue.expected) {
      case 'object':
        return 'must be a mapping (indented `key: value` lines)';
      case 'array':
        return 'must be a list (`[a, b]` or lines starting with `- `)';
      case 'boolean':
        return 'must be true or false';
      case 'string':
        return 'must be text';
      case 'number':
        return 'must be a number';
      default:
        return `must be ${issue.expected}`;
    }
  }
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
  return undefined;
}

// --- checks across keys ----------------------------------------------------------------------------------------

type Report = (path: Path, allowed: string) => void;

const FAMILY_WORDS: Readonly<Record<AlarmFamily, string>> = {
  bounceRate: 'bounce rate',
  complaintRate: 'complaint rate',
  sendSuccessRate: 'send success rate',
  applicationErrors: 'application error count',
};

/** P1 fires on the worst value: alarm-when-above families need P1 >= P2 >= P3, alarm-when-below P1 <= P2 <= P3. */
function checkTierOrder(cfg: EnvConfig, raw: unknown, report: Report): void {
  for (const family of Object.keys(ALARM_TIER_DEFAULTS) as AlarmFamily[]) {
    const descending = ALARM_TIER_ORDER[family] === 'descending';
    const order = descending ? 'P1 ≥ P2 ≥ P3' : 'P1 ≤ P2 ≤ P3';
    for (let i = 0; i + 1 < SEVERITIES.length; i++) {
      const [hi, lo] = [SEVERITIES[i]!, SEVERITIES[i + 1]!];
      const a = cfg.alarms[family][hi].threshold;
      const b = cfg.alarms[family][lo].threshold;
      if (descending ? a >= b : a <= b) continue;
      const pathOf = (s: string) => ['alarms', family, s, 'threshold'];
      const blameHi = isSet(raw, pathOf(hi)) || !isSet(raw, pathOf(lo));
      const [blamed, other, otherValue] = blameHi ? [hi, lo, b] : [lo, hi, a];
      const otherText = `${other}'s threshold (${otherValue}${isSet(raw, pathOf(other)) ? '' : ', the default'})`;
      const bound = (blamed === hi) === descending ? 'at least' : 'at most';
      report(
        pathOf(blamed),
        `must be ${bound} ${otherText}, so that P1 fires only on the worst ${FAMILY_WORDS[family]} (${order})`,
      );
    }
  }
}

function checkLifecycle(cfg: EnvConfig, raw: unknown, report: Report): void {
  const { transitionToGlacierDays: glacier, expirationDays: expiry } = cfg.archive;
  if (glacier === null || glacier < expiry) return;
  if (isSet(raw, ['archive', 'transitionToGlacierDays'])) {
    report(
      ['archive', 'transitionToGlacierDays'],
      `must be below archive.expirationDays (${expiry}): objects cannot move to Glacier after they expire; ` +
        'write null for no transition',
    );
  } else {
    report(
      ['archive', 'expirationDays'],
      `must be above archive.transitionToGlacierDays (${glacier}, the default), or set ` +
        'archive.transitionToGlacierDays: null (no Glacier transition)',
    );
  }
}

function checkAllowAll(cfg: EnvConfig, report: Report): void {
  if (cfg.security.allowAllSendingCidrsConfirmed) return;
  cfg.security.allowedSendingCidrs.forEach((range, i) => {
    if (!isAllowAllCidr(range)) return;
    report(
      ['security', 'allowedSendingCidrs', i],
      `must not be an allow-all range: it admits every ${range.includes(':') ? 'IPv6' : 'IPv4'} address and lifts ` +
        "the sending IP restriction; list your senders' ranges, or confirm with security.allowAllSendingCidrsConfirmed: true",
    );
  });
}

function checkDuplicateDomains(
  cfg: EnvConfig,
  lineOf: (p: Path) => number | undefined,
  report: Report,
): void {
  const seen = new Map<string, number>();
  cfg.ses.domains.forEach((d, i) => {
    const first = seen.get(d.name);
    if (first === undefined) {
      seen.set(d.name, i);
      return;
    }
    const at = lineOf(['ses', 'domains', first, 'name']);
    report(
      ['ses', 'domains', i, 'name'],
      `must be listed once: ses.domains[${first}].name${at ? ` (line ${at})` : ''} is the same domain`,
    );
  });
}

/**
 * BYODKIM keys that depend on ses.domains: the DNS request sender (required with a dnsTeam, at one of ses.domains:
 * SES sends only from verified identities) and an explicit rotationSpreadDays (at most half of every domain's
 * interval: a written value is never changed silently; the default is capped per domain, documented).
 */
function checkByodkim(
  cfg: EnvConfig,
  raw: unknown,
  lineOf: (p: Path) => number | undefined,
  report: Report,
  problems: ConfigProblem[],
): void {
  const sender = cfg.byodkim.dnsRequestSender;
  const first = cfg.ses.domains[0]?.name ?? 'goo.ne.jp';
  const example = `dns-requests@${first}`;
  const team = cfg.ses.domains.findIndex((d) => d.dnsTeam);
  if (team >= 0 && sender === undefined) {
    const name = cfg.ses.domains[team]!.name;
    problems.push(
      problem(
        cfg.source,
        lineOf(['ses', 'domains', team, 'dnsTeam']),
        'byodkim.dnsRequestSender',
        undefined,
        `is required because ses.domains[${team}] (${name}) has a dnsTeam (this line): the From address of the DNS ` +
          `request mail, at one of ses.domains, e.g. \`byodkim: { dnsRequestSender: ${example} }\``,
      ),
    );
  }
  if (sender !== undefined && !cfg.ses.domains.some((d) => sender.toLowerCase().endsWith(`@${d.name}`))) {
    report(
      ['byodkim', 'dnsRequestSender'],
      `must be an address at one of ses.domains (e.g. ${example}): SES sends only from verified identities`,
    );
  }
  if (!isSet(raw, ['byodkim', 'rotationSpreadDays'])) return;
  const spread = cfg.byodkim.rotationSpreadDays;
  const over = cfg.ses.domains
    .map((d, i) => ({ i, d, max: Math.floor(d.rotationIntervalDays / 2) }))
    .filter((x) => spread > x.max);
  if (over.length === 0) return;
  const max = Math.min(...over.map((x) => x.max));
  const named = over
    .slice(0, 3)
    .map(
      (x) =>
        `ses.domains[${x.i}] ${x.d.name} (rotationIntervalDays ${x.d.rotationIntervalDays}: at most ${x.max})`,
    )
    .join(', ');
  report(
    ['byodkim', 'rotationSpreadDays'],
    `must be at most half of every domain's rotationIntervalDays: ${named}${over.length > 3 ? ` and ${over.length - 3} more` : ''}; ` +
      `set it to ${max} or less, raise those intervals, or leave the key out (the default 30 is capped per domain to half its interval)`,
  );
}

function checkPrefixLength(cfg: EnvConfig, raw: unknown, report: Report): void {
  const prefix = `${cfg.projectCode}-${cfg.environment}`;
  if (prefix.length <= MAX_PREFIX_LENGTH) return;
  report(
    isSet(raw, ['environment']) ? ['environment'] : ['projectCode'],
    `must be shorter: the name prefix "${prefix}" (projectCode-environment) has ${prefix.length} characters, at most ` +
      `${MAX_PREFIX_LENGTH} fit every AWS name limit (e.g. the IAM role <prefix>-byodkim-validation-check-schedule, 64 at most)`,
  );
}

/**
 * Validates `text`, the contents of `file` (e.g. environments/prod.yaml). The Sceptre environment name is the
 * file's base name. Throws ConfigError listing every problem.
 */
export function parseEnvConfig(file: string, text: string): EnvConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const line = lines.linePos(e.pos[0]).line;
        return {
          file,
          line,
          path: '(YAML syntax)',
          allowed: 'must be valid YAML',
          text: `not valid YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const sceptreEnv = (file.split('/').pop() ?? file).replace(/\.ya?ml$/, '');
  const problems: ConfigProblem[] = [];
  const lineOf = (path: Path) => keyLine(doc, lines, path);
  const report: Report = (path, allowed) => {
    const value = lookup(raw, path);
    problems.push(
      problem(
        file,
        lineOf(path),
        renderPath(path),
        value === undefined ? undefined : renderValue(value),
        allowed,
      ),
    );
  };
  if (!SCEPTRE_ENV.test(sceptreEnv)) {
    problems.push({
      file,
      path: '(file name)',
      value: JSON.stringify(sceptreEnv),
      allowed: 'must be 1-20 lower-case letters, digits or hyphens, starting with a letter',
      text:
        `the file name gives the Sceptre environment ${JSON.stringify(sceptreEnv)}: it must be 1-20 lower-case ` +
        'letters, digits or hyphens, starting with a letter (rename the file, e.g. staging.yaml)',
    });
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    problems.push({
      file,
      line: 1,
      path: '(top level)',
      value: renderValue(raw),
      allowed: 'must be a mapping of keys',
      text: `the file holds ${renderValue(raw)}: it must be a mapping of keys (projectCode:, environment:, ses:, ...)`,
    });
    throw new ConfigError(problems);
  }
  const result = envConfigSchema.safeParse(raw ?? {}, { error: genericRule });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = knownKeys(issue.path);
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          const where = issue.path.length ? `under ${renderPath(issue.path)}` : 'at the top level';
          problems.push({
            file,
            ...(lineOf(path) ? { line: lineOf(path)! } : {}),
            path: renderPath(path),
            value: renderValue(lookup(raw, path)),
            allowed: `must be one of the known keys ${where}: ${known.join(', ')}`,
            text:
              `${renderPath(path)} is not a known key: remove it or fix its spelling ` +
              `(known keys ${where}: ${known.join(', ')})`,
          });
        }
        continue;
      }
      report(issue.path, issue.message);
    }
    throw new ConfigError(problems);
  }
  const cfg: EnvConfig = {
    ...result.data,
    sceptreEnv,
    source: file,
    retain: result.data.retainData ?? result.data.environment === 'production',
  };
  checkTierOrder(cfg, raw, report);
  checkLifecycle(cfg, raw, report);
  checkAllowAll(cfg, report);
  checkDuplicateDomains(cfg, lineOf, report);
  checkPrefixLength(cfg, raw, report);
  checkByodkim(cfg, raw, lineOf, report, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}
