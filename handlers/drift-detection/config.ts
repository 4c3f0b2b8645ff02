/** The drift-detection function's settings, read once from its environment; a bad value names the variable. */

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

const ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/;

/** Reads and checks the environment variables. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): DriftFunctionConfig {
  const required = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) throw new DriftConfigError(`environment variable ${name} is required`);
    return v;
  };
  const stackNames = required('STACK_NAMES')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of stackNames) {
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(s)) {
      throw new DriftConfigError(
        `STACK_NAMES: '${s}' is not a CloudFormation stack name ([A-Za-z][A-Za-z0-9-]*)`,
      );
    }
  }
  if (!stackNames.length) throw new DriftConfigError('STACK_NAMES must name at least one stack');
  const topic = (name: string) => {
    const v = required(name);
    if (!ARN.test(v)) throw new DriftConfigError(`${name} must be an SNS topic ARN, got '${v}'`);
    return v;
  };
  const timeoutText = env.DRIFT_TIMEOUT_SECONDS?.trim();
  const timeoutSeconds = timeoutText ? Number(timeoutText) : 600;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 30 || timeoutSeconds > 840) {
    throw new DriftConfigError(
      `DRIFT_TIMEOUT_SECONDS must be a whole number from 30 to 840 (Lambda runs 900 s at most), got '${timeoutText}'`,
    );
  }
  return {
    stackNames,
    reportBucket: required('REPORT_BUCKET'),
    topicP3Arn: topic('TOPIC_P3_ARN'),
    topicP2Arn: topic('TOPIC_P2_ARN'),
    environment: env.ENVIRONMENT?.trim() || 'unknown',
    region: env.AWS_REGION?.trim() || 'ap-northeast-1',
    timeoutSeconds,
  };
}
