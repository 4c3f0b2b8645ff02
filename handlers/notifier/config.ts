/** Environment of the notifier: checked per path, so a notification never fails on an escalation setting. */

import { NotifierConfigError } from './errors.js';
import type { EscalationLevel } from './escalation.js';
import type { FormatContext, Severity } from './format.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface NotifyConfig {
  readonly format: FormatContext;
  /** `ALARM_TOPIC_P1_ARN` …: where the alarms publish; decides the severity of a record. */
  readonly alarmTopics: Readonly<Record<Severity, string>>;
  /** `DELIVERY_TOPIC_P1_ARN` …: the topics people subscribe to. */
  readonly deliveryTopics: Readonly<Record<Severity, string>>;
}

export interface EscalateConfig {
  readonly format: FormatContext;
  readonly p1AlarmTopicArn: string;
  readonly escalationTopics: Readonly<Record<EscalationLevel, string>>;
  readonly alarmNamePrefix: string;
  readonly afterMinutes: number;
  readonly checkMinutes: number;
}

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
  return {
    environment,
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
  const checkMinutes = wholeMinutes(env, 'ESCALATION_CHECK_MINUTES', 5, 1, 60);
  const afterMinutes = wholeMinutes(env, 'ESCALATION_AFTER_MINUTES', 30, 1, 1440);
  if (afterMinutes < checkMinutes) {
    throw new NotifierConfigError(
      `ESCALATION_AFTER_MINUTES (${afterMinutes}) is shorter than ESCALATION_CHECK_MINUTES (${checkMinutes}); ` +
        'allowed: at least the check interval, or levels would be skipped',
    );
  }
  return {
    format: formatContext(env),
    p1AlarmTopicArn: topicArn(env, 'ALARM_TOPIC_P1_ARN'),
    escalationTopics: {
      1: topicArn(env, 'ESCALATION_TOPIC_LEVEL1_ARN'),
      2: topicArn(env, 'ESCALATION_TOPIC_LEVEL2_ARN'),
      3: topicArn(env, 'ESCALATION_TOPIC_LEVEL3_ARN'),
    },
    alarmNamePrefix,
    afterMinutes,
    checkMinutes,
  };
}
