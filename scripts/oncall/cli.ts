/**
 * `npm run ack -- <env> <alarm> --by <name> [--note ...]` and `npm run escalate -- <env> <alarm> --by <name>`:
 * a responder says "I have it" (stops the automatic P1 re-notification and the automatic P2 escalation of
 * that alarm episode) or hands a P2 to level 2 (リーダー, seed 5.4.2). Both write one item of the
 * alarm-episode table with the caller's own credentials (policy `<prefix>-oncall`, README), and nothing else.
 * Exit 0 done, 1 not done (the alarm is not in ALARM, already acknowledged, the write failed), 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AccountMismatchError } from '../../contracts/account.js';
import { ackProblem, episodeOf } from '../../contracts/alarm-episodes.js';
import { names } from '../../contracts/names.js';
import type { Severity } from '../../contracts/severity.js';
import { ConfigError as EnvConfigError, parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { DynamoEpisodeStore, type PersonWrite } from '../../lib/alarm-episodes/store.js';
import { apiErrorText, ConfigError as LibConfigError, UsageError } from '../../lib/errors.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, parseCli, projectDirs, usageText } from '../lib/args.js';
import { type CommandIo, requireEnvironment } from '../lib/preflight.js';

export type OncallCommand = 'ack' | 'escalate';

const ONCALL_EXIT =
  '0 done, 1 not done (the alarm is not in ALARM, already acknowledged, the write failed), 2 usage error';
export const USAGE: Record<OncallCommand, string> = {
  ack: usageText({
    synopsis:
      'npm run ack -- <env> <alarm> --by <your name> [--note "what you are doing"] [--environments-dir environments]',
    exitCodes: ONCALL_EXIT,
  }),
  escalate: usageText({
    synopsis: 'npm run escalate -- <env> <alarm> --by <your name> [--environments-dir environments]',
    exitCodes: ONCALL_EXIT,
  }),
};

export interface OncallClients {
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
}

export interface OncallIo extends CommandIo {
  readonly clients: (region: string) => OncallClients;
  readonly now: () => Date;
}

function environmentFile(dir: string, env: string): { path: string; config: EnvConfig } {
  const path = requireEnvironment(env, dir);
  return { path, config: parseEnvConfig(path, readFileSync(path, 'utf8')) };
}

interface AlarmFacts {
  readonly name: string;
  readonly state: string;
  readonly transitionedAt: Date | undefined;
  readonly severity: Severity | undefined;
}

async function describeAlarm(
  cloudwatch: CloudWatchClient,
  name: string,
  topicNames: Readonly<Record<Severity, string>>,
): Promise<AlarmFacts | undefined> {
  const out = await cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
  );
  const alarm = out.MetricAlarms?.[0] ?? out.CompositeAlarms?.[0];
  if (alarm === undefined) return undefined;
  const actions = alarm.AlarmActions ?? [];
  const severity = (['P1', 'P2', 'P3'] as const).find((s) =>
    actions.some((a) => a.endsWith(`:${topicNames[s]}`)),
  );
  return {
    name,
    state: alarm.StateValue ?? '?',
    transitionedAt: alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp,
    severity,
  };
}

/** Runs `ack` or `escalate`; returns the exit code. */
export async function oncallMain(
  command: OncallCommand,
  argv: readonly string[],
  io: OncallIo,
): Promise<number> {
  const help = answerHelp(argv, USAGE[command], io.stdout);
  if (help !== undefined) return help;
  try {
    const { values, positionals } = parseCli(argv, {
      by: { type: 'string' },
      note: { type: 'string' },
      'environments-dir': { type: 'string' },
    });
    const { environmentsDir } = projectDirs(values);
    if (positionals.length !== 2) throw new UsageError(USAGE[command]);
    const [env, alarmArg] = positionals as [string, string];
    const by = values.by;
    if (by === undefined) throw new UsageError(`--by is required: who takes it\n${USAGE[command]}`);
    if (command === 'escalate' && values.note !== undefined)
      throw new UsageError(`--note is for ack\n${USAGE.escalate}`);
    const problem = ackProblem(by, values.note);
    if (problem) throw new UsageError(problem);
    const { config } = environmentFile(environmentsDir, env);
    const n = names(config);
    const alarmName = alarmArg.startsWith(`${n.prefix}-`) ? alarmArg : n.alarm(alarmArg);
    const topicNames = { P1: n.alarmTopic('P1'), P2: n.alarmTopic('P2'), P3: n.alarmTopic('P3') };
    // The credentials must belong to the environment's account (contracts/account.ts) before anything is read.
    await checkAccount(accountTargetOf(env, environmentsDir), () => io.callerAccount(config.region));
    const clients = io.clients(config.region);

    const alarm = await describeAlarm(clients.cloudwatch, alarmName, topicNames);
    if (alarm === undefined) {
      io.stderr(
        `${command}: no alarm named ${alarmName} in ${config.region}; 'npm run status -- ${env}' lists them\n`,
      );
      return 1;
    }
    if (alarm.state !== 'ALARM' || alarm.transitionedAt === undefined) {
      io.stderr(
        `${command}: ${alarmName} is ${alarm.state}, not ALARM: nothing to ${command === 'ack' ? 'acknowledge' : 'escalate'}\n`,
      );
      return 1;
    }
    if (command === 'escalate' && alarm.severity !== 'P2') {
      const why =
        alarm.severity === 'P1'
          ? 'a P1 reaches level 3 (マネージャー) at once and is re-sent until acknowledged'
          : `a ${alarm.severity ?? 'non-paging'} alarm is not escalated (seed 3.3.2: P3 is reviewed in the periodic report)`;
      io.stderr(`${command}: ${alarmName} is ${alarm.severity ?? 'not routed to a severity'}: ${why}\n`);
      return 1;
    }
    const episode = episodeOf(alarm.transitionedAt);
    const at = io.now();
    const store = new DynamoEpisodeStore(clients.dynamodb, n.alarmEpisodesTable);
    let result: PersonWrite;
    try {
      result =
        command === 'ack'
          ? await store.acknowledge(alarmName, episode, by, at, values.note)
          : await store.requestLevel2(alarmName, episode, by, at);
    } catch (error) {
      io.stderr(
        `${command}: NOT recorded (${apiErrorText(error)}); ${
          command === 'ack' ? 're-notifications continue' : 'level 2 was not notified'
        }. Retry, or tell the others by phone.\n`,
      );
      return 1;
    }
    if (!result.done) {
      const e = result.existing;
      const [who, when] = command === 'ack' ? [e.ackBy, e.ackAt] : [e.level2RequestedBy, e.level2RequestedAt];
      io.stderr(
        `${command}: ${alarmName} (episode since ${episode}) was already ${command === 'ack' ? 'acknowledged' : 'escalated'} by ${who} at ${when}; nothing changed\n`,
      );
      return 1;
    }
    io.stdout(
      command === 'ack'
        ? `acknowledged ${alarmName} (in ALARM since ${episode}) by ${by} at ${at.toISOString()}: automatic re-notifications of this episode stop; a new ALARM after OK pages again\n`
        : `escalated ${alarmName} (in ALARM since ${episode}) to level 2 (リーダー), requested by ${by}: the next escalation check (within 5 minutes) notifies level 2\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AccountMismatchError || error instanceof LibConfigError) {
      io.stderr(`${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof EnvConfigError) {
      io.stderr(`${command}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`${command}: ${apiErrorText(error)}\n`);
    return 1;
  }
}
