/** Environment contract of the weekly drift-detection function: written by the monitoring stack. */
import { LAMBDA_MAX_TIMEOUT_SECONDS } from '../limits.js';
import { type Env, EnvReader, type TemplateValue } from './env.js';

export class DriftConfigError extends Error {
  override readonly name = 'DriftConfigError';
}

export interface DriftFunctionConfig {
  /** Stacks to check (`STACK_NAMES`, comma separated). */
  readonly stackNames: readonly string[];
  /** Bucket for the reports (`REPORT_BUCKET`); keys start with `drift-reports/`. */
  readonly reportBucket: string;
  /** P3 delivery path: the summary when every stack is in sync (`TOPIC_P3_ARN`). */
  readonly topicP3Arn: string;
  /** P2 delivery path: the summary when drift or an error was found (`TOPIC_P2_ARN`). */
  readonly topicP2Arn: string;
  /** Human environment name for messages and keys (`ENVIRONMENT`). @default 'unknown' */
  readonly environment: string;
  /** Region of the stacks (`AWS_REGION`, set by Lambda). @default 'ap-northeast-1' */
  readonly region: string;
  /** Per-stack detection timeout (`DRIFT_TIMEOUT_SECONDS`). @default 600 */
  readonly timeoutSeconds: number;
}

/** What the generator sets (ENVIRONMENT comes with every function; AWS_REGION from Lambda). */
export function writeDriftEnv(v: {
  stackNames: readonly string[];
  reportBucket: TemplateValue;
  topicP2Arn: TemplateValue;
  topicP3Arn: TemplateValue;
  timeoutSeconds: number;
}): Record<string, TemplateValue> {
  return {
    STACK_NAMES: v.stackNames.join(','),
    REPORT_BUCKET: v.reportBucket,
    TOPIC_P2_ARN: v.topicP2Arn,
    TOPIC_P3_ARN: v.topicP3Arn,
    DRIFT_TIMEOUT_SECONDS: String(v.timeoutSeconds),
  };
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** Reads and checks the environment variables. */
export function loadDriftConfig(env: Env): DriftFunctionConfig {
  const r = new EnvReader(env, (message, options) => new DriftConfigError(message, options));
  const stackNames = r
    .text('STACK_NAMES', 'comma-separated CloudFormation stack names')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = stackNames.find((s) => !STACK_NAME.test(s));
  if (bad !== undefined || !stackNames.length) {
    r.reject(
      'STACK_NAMES',
      `comma-separated CloudFormation stack names ([A-Za-z][A-Za-z0-9-]*); '${bad}' is not one`,
    );
  }
  return {
    stackNames,
    reportBucket: r.text('REPORT_BUCKET', 'the artifacts bucket name'),
    topicP3Arn: r.topicArn('TOPIC_P3_ARN'),
    topicP2Arn: r.topicArn('TOPIC_P2_ARN'),
    environment: r.optionalText('ENVIRONMENT', 'unknown'),
    region: r.optionalText('AWS_REGION', 'ap-northeast-1'),
    timeoutSeconds: r.integer('DRIFT_TIMEOUT_SECONDS', {
      min: 30,
      max: LAMBDA_MAX_TIMEOUT_SECONDS - 60,
      fallback: 600,
      why: `Lambda runs ${LAMBDA_MAX_TIMEOUT_SECONDS} s at most`,
    }),
  };
}
