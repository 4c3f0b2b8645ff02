/**
 * `npm run drift -- <env>`: drift detection over every stack of a Sceptre environment, plus a comparison of the
 * deployed templates with the generated ones. Exit 0 in sync, 1 drift found, 2 error (each error is a row).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CloudFormationSender,
  DRIFT_EXIT_CODES,
  type DriftTarget,
  exitCodeOf,
  runDrift,
} from '../../lib/drift/engine.js';
import {
  REPORT_EXTENSIONS,
  REPORT_FORMATS,
  type ReportFormat,
  renderJson,
  renderJunit,
  renderMarkdown,
} from '../../lib/drift/report.js';
import { ConfigError, UsageError } from '../../lib/errors.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, parseEnvironmentCommand, positiveInt, usageText } from '../lib/args.js';
import { type CommandClock, type CommandIo, expectedErrorExit, prepareOutDir } from '../lib/preflight.js';
import { type IgnoreRule, loadIgnoreFile } from './ignore.js';
import { loadSceptreEnvironment } from './sceptre.js';
import { parseTemplate } from './template-parse.js';

export const DRIFT_USAGE = usageText({
  synopsis:
    'npm run drift -- <env> [--timeout-seconds 300] [--concurrency 16] [--format md,json,junit]\n' +
    '                        [--out-dir reports] [--ignore drift-ignore.yaml] [--sceptre-dir sceptre] [--no-template-diff]\n' +
    '                        [--environments-dir environments]',
  exitCodes:
    '0 in sync, 1 drift found, 2 error (timeout, API failure, bad arguments, another account),\n' +
    '            3 a stack does not exist (NOT_DEPLOYED: never deployed or deleted; nothing else drifted or failed)',
});

export interface DriftIo extends CommandIo, CommandClock {
  /** Builds the CloudFormation client for the environment's region. */
  readonly cloudformation: (region: string) => CloudFormationSender;
}

function formats(value: string | undefined): ReportFormat[] {
  if (value === undefined) return [...REPORT_FORMATS];
  const list = value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of list) {
    if (!REPORT_FORMATS.includes(f as ReportFormat)) {
      throw new UsageError(`--format: unknown format '${f}'; allowed: ${REPORT_FORMATS.join(', ')}`);
    }
  }
  if (!list.length) throw new UsageError(`--format needs at least one of ${REPORT_FORMATS.join(', ')}`);
  return list as ReportFormat[];
}

/** Runs the drift command; returns the exit code. Expected errors print one line, never a stack trace. */
export async function driftMain(argv: readonly string[], io: DriftIo): Promise<number> {
  const help = answerHelp(argv, DRIFT_USAGE, io.stdout);
  if (help !== undefined) return help;
  try {
    const { values, env, sceptreDir, environmentsDir } = parseEnvironmentCommand(
      argv,
      {
        'timeout-seconds': { type: 'string' },
        concurrency: { type: 'string' },
        format: { type: 'string' },
        'out-dir': { type: 'string' },
        ignore: { type: 'string' },
        'no-template-diff': { type: 'boolean' },
      },
      DRIFT_USAGE,
    );
    const timeoutSeconds = positiveInt('timeout-seconds', values['timeout-seconds'], 300, 3600);
    const concurrency = positiveInt('concurrency', values.concurrency, 16, 64);
    const wanted = formats(values.format);
    // before any remote work: a report that cannot be written is said now, not after the drift run
    const outDir = prepareOutDir(values['out-dir'] ?? 'reports');
    const sceptre = loadSceptreEnvironment(sceptreDir, env);
    if (!sceptre.stacks.length) throw new ConfigError(`no stacks in ${join(sceptre.dir, 'config', env)}`);

    await checkAccount(accountTargetOf(env, environmentsDir), () => io.callerAccount(sceptre.region));

    let ignore: IgnoreRule[] = [];
    if (values.ignore !== undefined) ignore = loadIgnoreFile(values.ignore);
    else if (existsSync('drift-ignore.yaml')) ignore = loadIgnoreFile('drift-ignore.yaml');

    const compare = !values['no-template-diff'];
    const targets: DriftTarget[] = sceptre.stacks.map((s) => ({
      name: s.name,
      stackName: s.stackName,
      ...(compare
        ? {
            localTemplate: async () =>
              existsSync(s.templatePath) ? readFileSync(s.templatePath, 'utf8') : undefined,
          }
        : {}),
    }));
    io.stderr(
      `drift: ${targets.length} stacks of ${env} in ${sceptre.region} (timeout ${timeoutSeconds} s, concurrency ${concurrency})\n`,
    );
    const report = await runDrift(
      targets,
      { env, region: sceptre.region },
      {
        cloudformation: io.cloudformation(sceptre.region),
        sleep: io.sleep,
        now: io.now,
        progress: (line) => io.stderr(`drift: ${line}\n`),
        parseTemplate,
      },
      { timeoutMs: timeoutSeconds * 1000, concurrency, ignore },
    );
    const exitCode = exitCodeOf(report);
    const markdown = renderMarkdown(report);
    mkdirSync(outDir, { recursive: true });
    for (const format of wanted) {
      const file = join(outDir, `drift-${env}.${REPORT_EXTENSIONS[format]}`);
      const text =
        format === 'md' ? markdown : format === 'json' ? renderJson(report, exitCode) : renderJunit(report);
      writeFileSync(file, text);
      io.stderr(`drift: wrote ${file}\n`);
    }
    io.stdout(markdown);
    io.stderr(`drift: exit ${exitCode} (${DRIFT_EXIT_CODES[exitCode]})\n`);
    return exitCode;
  } catch (error) {
    const code = expectedErrorExit('drift', error, io.stderr);
    if (code !== undefined) return code;
    throw error;
  }
}
