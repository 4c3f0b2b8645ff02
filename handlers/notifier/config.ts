/** Environment of the notifier: checked per path, so a notification never fails on an escalation setting. */

import { NotifierConfigError } from './errors.js';
import type { FormatContext, Severity } from './format.js';

export type EscalationLevel = 1 | 2 | 3;

type Env = Readonly<Record<string, string | undefined>>;

export interface NotifyConfig {
  readonly format: FormatContext;
  /** `ALARM_TOPIC_P1_ARN` …: where the alarms publish; decides the severity of a record. */
  readonly alarmTopics: Readonly<Record<Severity, string>>;
  /** `DELIVERY_TOPIC_P1_ARN` …: the topics people subscribe to. */
  readonly deliveryTopics: Readonly<Record<Severity, string>>;
  /** `ESCALATION_TOPIC_LEVEL1_ARN` …: the responder levels of seed 5.4.2. */
  readonly escalationTopics: Readonly<Record<EscalationLevel, string>>;
}

export interface EscalateConfig extends NotifyConfig {
  readonly alarmNamePrefix: string;
  /** `EPISODE_TABLE_NAME`: the alarm-episode table (acknowledgements, what was sent). */
  readonly episodeTable: string;
  /** `P1_RENOTIFY_MINUTES`: minutes between automatic P1 re-notifications. */
  readonly p1RenotifyMinutes: number;
  /** `P2_AUTO_ESCALATE_MINUTES`: empty for off (level 2 only when a person asks). */
  readonly p2AutoEscalateMinutes: number | undefined;
}

/** Who receives the first notice of each severity besides its own list (seed 3.3.2 × 5.4.2). */
export const FIRST_NOTICE_LEVEL: Readonly<Record<Severity, EscalationLevel>> = { P1: 3, P2: 1, P3: 1 };

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

function topicArn(env: Env, key: string): string {
  const value = env[key];
  if (value === undefined || !TOPIC_ARN.test(value)) {
    throw new NotifierConfigError(
      `${key} is ${JSON.stringify(value)}; allowed: an SNS topic ARN such as ` +
        '"arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-alarms-p1"',
    );
  }
  return value;
}

function formatContext(env: Env): FormatContext {
  const environment = env.ENVIRONMENT;
  if (environment === undefined || !/^[a-z][a-z0-9-]{0,31}$/.test(environment)) {
    throw new NotifierConfigError(
      `ENVIRONMENT is ${JSON.stringify(environment)}; allowed: the environment name, e.g. "production" or "development"`,
    );
  }
  let domains: string[] = [];
  if (env.DOMAINS_JSON !== undefined && env.DOMAINS_JSON !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.DOMAINS_JSON);
    } catch (cause) {
      throw new NotifierConfigError(
        `DOMAINS_JSON is ${JSON.stringify(env.DOMAINS_JSON)}; allowed: a JSON array of domain names`,
        { cause },
      );
    }
    if (!Array.isArray(parsed) || !parsed.every((d) => typeof d === 'string' && d.length > 0)) {
      throw new NotifierConfigError(
        `DOMAINS_JSON must be a JSON array of domain names; got ${env.DOMAINS_JSON}`,
      );
    }
    domains = parsed;
  }
  const commandEnvironment = env.SCEPTRE_ENVIRONMENT || environment;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(commandEnvironment)) {
    throw new NotifierConfigError(
      `SCEPTRE_ENVIRONMENT is ${JSON.stringify(commandEnvironment)}; allowed: the environment file's name, e.g. "prod"`,
    );
  }
  return {
    environment,
    commandEnvironment,
    region: env.AWS_REGION || 'ap-northeast-1',
    domains,
    sesEventsLogGroup: env.SES_EVENTS_LOG_GROUP || '/aws/ses/events',
  };
}

/** Settings of the SNS path. */
export function loadNotifyConfig(env: Env): NotifyConfig {
  const alarmTopics = {
    P1: topicArn(env, 'ALARM_TOPIC_P1_ARN'),
    P2: topicArn(env, 'ALARM_TOPIC_P2_ARN'),
    P3: topicArn(env, 'ALARM_TOPIC_P3_ARN'),
  };
  if (new Set(Object.values(alarmTopics)).size !== 3) {
    throw new NotifierConfigError('ALARM_TOPIC_P1_ARN, _P2_ and _P3_ must be three different topics');
  }
  return {
    format: formatContext(env),
    alarmTopics,
    deliveryTopics: {
      P1: topicArn(env, 'DELIVERY_TOPIC_P1_ARN'),
      P2: topicArn(env, 'DELIVERY_TOPIC_P2_ARN'),
      P3: topicArn(env, 'DELIVERY_TOPIC_P3_ARN'),
    },
    escalationTopics: {
      1: topicArn(env, 'ESCALATION_TOPIC_LEVEL1_ARN'),
      2: topicArn(env, 'ESCALATION_TOPIC_LEVEL2_ARN'),
      3: topicArn(env, 'ESCALATION_TOPIC_LEVEL3_ARN'),
    },
  };
}

function wholeMinutes(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new NotifierConfigError(
      `${key} is ${JSON.stringify(raw)}; allowed: whole minutes from ${min} to ${max}`,
    );
  }
  return value;
}

/** Settings of the scheduled escalation path. */
export function loadEscalateConfig(env: Env): EscalateConfig {
  const alarmNamePrefix = env.ALARM_NAME_PREFIX ?? '';
  if (!/^[^\s]{1,255}$/.test(alarmNamePrefix)) {
    throw new NotifierConfigError(
      `ALARM_NAME_PREFIX is ${JSON.stringify(env.ALARM_NAME_PREFIX)}; allowed: e.g. "ses-migration-production-"`,
    );
  }
  const episodeTable = env.EPISODE_TABLE_NAME ?? '';
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(episodeTable)) {
    throw new NotifierConfigError(
      `EPISODE_TABLE_NAME is ${JSON.stringify(env.EPISODE_TABLE_NAME)}; allowed: a DynamoDB table name such as ` +
        '"ses-migration-production-alarm-episodes"',
    );
  }
  const p2Raw = env.P2_AUTO_ESCALATE_MINUTES;
  return {
    ...loadNotifyConfig(env),
    alarmNamePrefix,
    episodeTable,
    p1RenotifyMinutes: wholeMinutes(env, 'P1_RENOTIFY_MINUTES', 15, 5, 1440),
    p2AutoEscalateMinutes:
      p2Raw === undefined || p2Raw === ''
        ? undefined
        : wholeMinutes(env, 'P2_AUTO_ESCALATE_MINUTES', 0, 5, 1440),
  };
}
