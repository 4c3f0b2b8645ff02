/**
 * `npm run status -- <env>`: the first response of seed 5.4.1 on one screen. Exit 0 when nothing needs
 * attention, 1 when something does (alarm in ALARM, reputation at an AWS threshold, DKIM not SUCCESS, KMS key
 * not enabled), 2 for usage errors, 3 when a section could not be read (and nothing read needs attention): a
 * screen that could not look is not "all clear". Sections that cannot be read say why, once per distinct error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../contracts/names.js';
import { ConfigError as EnvConfigError, parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { ConfigError, UsageError } from '../../lib/errors.js';
import { loadSceptreEnvironment } from '../drift/sceptre.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, parseEnvironmentCommand, positiveInt, usageText } from '../lib/args.js';
import {
  type CommandClock,
  type CommandIo,
  expectedErrorExit,
  findEnvironmentFile,
} from '../lib/preflight.js';
import { piiAccessSection } from './pii-access.js';
import { SECTIONS, type Section, type StatusClients, type StatusContext } from './sections.js';

export const STATUS_USAGE = usageText({
  synopsis:
    'npm run status -- <env> [--domain example.jp ...] [--since-minutes 60] [--unmask]\n' +
    '                         [--pii-access-days N] [--environments-dir environments] [--sceptre-dir sceptre]',
  details: [
    '--pii-access-days N  also list who unmasked PII or read the raw archive in the last N days (1-90)',
  ],
  exitCodes:
    '0 nothing needs attention, 1 something does, 2 usage error or another account,\n' +
    '            3 nothing that could be read needs attention but a section could not be read',
});

export interface StatusIo extends CommandIo, CommandClock {
  readonly clients: (region: string) => StatusClients;
}

const MARK: Record<Section['state'], string> = { ok: 'OK', attention: 'ATTENTION', unavailable: 'NOT READ' };

export interface EnvironmentFacts {
  projectCode: string;
  environment: string;
  region: string;
  domains: string[];
  source: string;
}

/**
 * projectCode, environment, region and domains from environments/<env>.yaml (validated like `npm run generate`
 * does, so every name the sections use is the one the templates create), else from the generated Sceptre
 * project, else the defaults of the environments shipped here.
 */
export function environmentFacts(env: string, environmentsDir: string, sceptreDir: string): EnvironmentFacts {
  const file = findEnvironmentFile(env, environmentsDir) ?? join(environmentsDir, `${env}.yaml`);
  if (existsSync(file)) {
    let cfg: EnvConfig;
    try {
      cfg = parseEnvConfig(file, readFileSync(file, 'utf8'));
    } catch (error) {
      if (error instanceof EnvConfigError) throw new ConfigError(error.message);
      throw error;
    }
    return {
      projectCode: cfg.projectCode,
      environment: cfg.environment,
      region: cfg.region,
      domains: cfg.ses.domains.map((d) => d.name),
      source: `${file} ses.domains is empty`,
    };
  }
  if (existsSync(join(sceptreDir, 'config', env))) {
    const s = loadSceptreEnvironment(sceptreDir, env);
    return {
      projectCode: s.projectCode,
      environment: s.environment,
      region: s.region,
      domains: [],
      source: `${file} not found`,
    };
  }
  if (!ENVIRONMENT_NAMES[env]) {
    throw new UsageError(
      `unknown environment '${env}': no ${file} and no ${join(sceptreDir, 'config', env)}; known: prod, dev`,
    );
  }
  return {
    projectCode: 'ses-migration',
    environment: ENVIRONMENT_NAMES[env],
    region: 'ap-northeast-1',
    domains: [],
    source: `${file} not found`,
  };
}

/** The PII access section: trail and archive names from the environment file (project trail or existing one). */
async function piiAccess(
  env: string,
  environmentsDir: string,
  facts: EnvironmentFacts,
  days: number,
  io: StatusIo,
): Promise<Section> {
  const clients = io.clients(facts.region);
  if (!clients.cloudtrail || !clients.s3)
    throw new UsageError('this build of status has no CloudTrail or S3 client');
  const file = join(environmentsDir, `${env}.yaml`);
  const security = existsSync(file) ? parseEnvConfig(file, readFileSync(file, 'utf8')).security : undefined;
  const account = await io.callerAccount(facts.region);
  const prefix = `${facts.projectCode}-${facts.environment}`;
  const trail = security?.existingTrail
    ? {
        bucket: security.existingTrail.bucket,
        prefix: security.existingTrail.prefix ?? '',
        account: account ?? '?',
      }
    : security?.auditArchiveReads !== false && account
      ? { bucket: `${prefix}-audit-trail-${account}`, prefix: '', account }
      : undefined;
  return piiAccessSection(
    {
      days,
      now: io.now(),
      region: facts.region,
      sleep: io.sleep,
      ...(trail ? { trail } : {}),
      ...(account ? { archiveBucket: `${prefix}-ses-archive-${account}` } : {}),
    },
    { cloudtrail: clients.cloudtrail, s3: clients.s3 },
  );
}

/** Renders the sections as one screen of text. */
export function renderStatus(header: string, sections: readonly Section[]): string {
  const out = [header, ''];
  const reasons = new Map<string, string>(); // why a section could not be read -> first section that said it
  for (const s of sections) {
    out.push(`== ${s.title} [${MARK[s.state]}]`);
    const reason = s.lines.join('\n');
    const first = s.state === 'unavailable' && reason ? reasons.get(reason) : undefined;
    if (first !== undefined) {
      out.push(`   (the same error as ${first})`);
      continue;
    }
    if (s.state === 'unavailable' && reason) reasons.set(reason, s.title);
    for (const line of s.lines) out.push(`   ${line}`);
  }
  const attention = sections.filter((s) => s.state === 'attention').map((s) => s.title);
  const unread = sections.filter((s) => s.state === 'unavailable').map((s) => s.title);
  out.push(
    '',
    attention.length
      ? `NEEDS ATTENTION: ${attention.join('; ')}`
      : 'Nothing needs attention in what could be read.',
  );
  if (unread.length) out.push(`Could not read: ${unread.join('; ')}`);
  return `${out.join('\n')}\n`;
}

/** Runs the status command; returns the exit code. */
export async function statusMain(argv: readonly string[], io: StatusIo): Promise<number> {
  const help = answerHelp(argv, STATUS_USAGE, io.stdout);
  if (help !== undefined) return help;
  try {
    const { values, env, sceptreDir, environmentsDir } = parseEnvironmentCommand(
      argv,
      {
        domain: { type: 'string', multiple: true },
        'since-minutes': { type: 'string' },
        unmask: { type: 'boolean' },
        'pii-access-days': { type: 'string' },
      },
      STATUS_USAGE,
    );
    const sinceMinutes = positiveInt('since-minutes', values['since-minutes'], 60, 7 * 24 * 60);
    const facts = environmentFacts(env, environmentsDir, sceptreDir);
    await checkAccount(accountTargetOf(env, environmentsDir), () => io.callerAccount(facts.region));
    const domains = values.domain?.length ? values.domain : facts.domains;
    const ctx: StatusContext = {
      env,
      environment: facts.environment,
      projectCode: facts.projectCode,
      region: facts.region,
      domains,
      domainsSource: facts.source,
      unmask: values.unmask === true,
      sinceMinutes,
      now: io.now,
      sleep: io.sleep,
    };
    const clients = io.clients(facts.region);
    const sections = await Promise.all(SECTIONS.map((section) => section(ctx, clients)));
    if (values['pii-access-days'] !== undefined) {
      const days = positiveInt('pii-access-days', values['pii-access-days'], 7, 90);
      sections.push(await piiAccess(env, environmentsDir, facts, days, io));
    }
    const header = `${facts.projectCode} status: ${env} (${facts.environment}, ${facts.region}) at ${new Date(io.now()).toISOString()}`;
    io.stdout(renderStatus(header, sections));
    if (sections.some((s) => s.state === 'attention')) return 1;
    return sections.some((s) => s.state === 'unavailable') ? 3 : 0;
  } catch (error) {
    const code = expectedErrorExit('status', error, io.stderr);
    if (code !== undefined) return code;
    throw error;
  }
}
