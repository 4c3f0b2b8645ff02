/**
 * `npm run report -- <env> <daily|weekly|monthly> [--date YYYY-MM-DD] [--out FILE] [--send]`: renders the same
 * report as the scheduled function, from the same code (lib/reports), with the caller's credentials. Without
 * --send it only writes the HTML (charts embedded), the text and the JSON of the figures next to each other;
 * with --send it runs the whole delivery (archive, mail, P3 summary), skipping a period already delivered.
 * Exit codes: 0 rendered/delivered, 1 delivered with missing sections or fell back to P3, 2 usage or setup error.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConfigError, parseEnvConfig } from '../../generators/config/load.js';
import { UsageError } from '../../lib/errors.js';
import { awsSinks, awsSources, type SourceClients } from '../../lib/reports/aws/index.js';
import { reportConfig } from '../../lib/reports/config.js';
import { runReport } from '../../lib/reports/deliver.js';
import { resolvePeriod } from '../../lib/reports/period.js';
import { renderHtml, renderText } from '../../lib/reports/render.js';
import { buildReport } from '../../lib/reports/report.js';
import { CADENCES, type Cadence } from '../../lib/reports/types.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, usageText } from '../lib/args.js';
import { type CommandIo, requireEnvironment } from '../lib/preflight.js';

export const REPORT_USAGE = usageText({
  synopsis: 'npm run report -- <env> <daily|weekly|monthly> [--date YYYY-MM-DD] [--out FILE] [--send]',
  details: [
    '--date  any JST date inside the period (default: the last complete period)',
    '--out   HTML file to write (default: reports/<cadence>-<date>.html; .txt and .json are written next to it)',
    '--send  archive, mail and post to P3 like the scheduled function (skipped if the period was already sent)',
  ],
  exitCodes:
    '0 rendered/delivered, 1 delivered with missing sections or fell back to P3, 2 usage or setup error',
});

export interface ReportArgs {
  readonly env: string;
  readonly cadence: Cadence;
  readonly date?: string;
  readonly out?: string;
  readonly send: boolean;
}

export { UsageError };

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const positional: string[] = [];
  let date: string | undefined;
  let out: string | undefined;
  let send = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--date' || a === '--out') {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      if (a === '--date') date = v;
      else out = v;
    } else if (a === '--send') send = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  const [env, cadence, ...rest] = positional;
  if (!env || !cadence || rest.length) throw new UsageError('expected <env> and <daily|weekly|monthly>');
  if (!/^[a-z0-9-]+$/.test(env))
    throw new UsageError(`environment "${env}" must be a file name under environments/`);
  if (!(CADENCES as readonly string[]).includes(cadence)) {
    throw new UsageError(`cadence "${cadence}" is not one of ${CADENCES.join(', ')}`);
  }
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new UsageError(`--date "${date}" must be YYYY-MM-DD`);
  }
  return { env, cadence: cadence as Cadence, send, ...(date ? { date } : {}), ...(out ? { out } : {}) };
}

export interface ReportIo extends CommandIo {
  readonly clients: (region: string) => SourceClients & {
    cloudformation: import('@aws-sdk/client-cloudformation').CloudFormationClient;
    sesv2: import('@aws-sdk/client-sesv2').SESv2Client;
    sns: import('@aws-sdk/client-sns').SNSClient;
  };
  readonly now: () => Date;
}

async function stackOutputs(
  cfn: import('@aws-sdk/client-cloudformation').CloudFormationClient,
  stackName: string,
): Promise<Record<string, string>> {
  const res = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries(
    (res.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
  );
}

export async function reportMain(argv: readonly string[], io: ReportIo): Promise<number> {
  const help = answerHelp(argv, REPORT_USAGE, io.stdout);
  if (help !== undefined) return help;
  let args: ReportArgs;
  try {
    args = parseReportArgs(argv);
  } catch (e) {
    io.stderr(`report: ${(e as Error).message}\n${REPORT_USAGE}\n`);
    return 2;
  }
  let file: string;
  try {
    file = requireEnvironment(args.env);
  } catch (e) {
    io.stderr(`report: ${(e as Error).message}\n`);
    return 2;
  }
  let env: ReturnType<typeof parseEnvConfig>;
  try {
    env = parseEnvConfig(file, readFileSync(file, 'utf8'));
  } catch (e) {
    io.stderr(
      `report: ${e instanceof ConfigError ? e.message : `cannot read ${file}: ${(e as Error).message}`}\n`,
    );
    return 2;
  }
  // Cheap checks before any AWS call: the period exists and is over, then the account.
  let period: ReturnType<typeof resolvePeriod>;
  try {
    period = resolvePeriod(args.cadence, args.date, io.now());
  } catch (e) {
    io.stderr(`report: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    await checkAccount(accountTargetOf(args.env), () => io.callerAccount(env.region));
  } catch (e) {
    io.stderr(`report: ${(e as Error).message}\n`);
    return 2;
  }
  const cfg = reportConfig(env);
  const c = io.clients(cfg.region);
  const stack = (id: string) => `${env.projectCode}-${env.sceptreEnv}-${id}`;
  const base = await stackOutputs(c.cloudformation, stack('base')).catch((e: Error) => {
    io.stderr(`report: base stack outputs not readable (${e.message}); the drift check will be missing\n`);
    return {} as Record<string, string>;
  });
  const sources = awsSources(cfg, c, { artifactsBucket: base.ArtifactsBucketName });
  if (args.send) {
    let archive: Record<string, string>;
    try {
      archive = await stackOutputs(c.cloudformation, stack('enhanced-kinesis'));
    } catch (e) {
      io.stderr(
        `report: --send needs the deployed archive (enhanced-kinesis stack): ${(e as Error).message}\n`,
      );
      return 2;
    }
    if (!archive.ArchiveBucketName || !base.DeliveryTopicP3Arn) {
      io.stderr('report: --send needs ArchiveBucketName and DeliveryTopicP3Arn stack outputs\n');
      return 2;
    }
    const sinks = awsSinks(cfg, c, {
      archiveBucket: archive.ArchiveBucketName,
      archiveKeyArn: archive.ArchiveKeyArn,
      topicArn: base.DeliveryTopicP3Arn,
    });
    const result = await runReport(
      cfg,
      { cadence: args.cadence, ...(args.date ? { date: args.date } : {}) },
      { sources, sinks, now: io.now },
    );
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return result.status === 'fallback' || result.missingSections.length ? 1 : 0;
  }
  const { model, images } = await buildReport(cfg, period, sources, io.now());
  const out = args.out ?? `reports/${args.cadence}-${period.key}.html`;
  mkdirSync(dirname(out), { recursive: true });
  const stem = out.replace(/\.html?$/, '');
  writeFileSync(out, renderHtml(model, images, 'data'));
  writeFileSync(`${stem}.txt`, renderText(model));
  writeFileSync(
    `${stem}.json`,
    `${JSON.stringify({ summary: model.summary, figures: model.figures }, null, 2)}\n`,
  );
  const missing = model.sections.filter((s) => s.status === 'missing');
  io.stdout(`${model.title}\n${model.summary}\nwritten: ${out}, ${stem}.txt, ${stem}.json\n`);
  for (const s of missing) io.stdout(`missing section ${s.title}: ${s.reason}\n`);
  // README exit codes: 1 when a section could not be made (the files are written all the same).
  return missing.length ? 1 : 0;
}
