/**
 * The pieces every function's environment contract is made of: a value the generator writes (literal text or a
 * CloudFormation intrinsic such as a `Ref` to a topic parameter) and a reader the handler uses, which names the
 * variable, the value given and what is allowed when it throws. Plain TypeScript: handlers bundle it.
 */

/** The process environment a handler reads. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What the generator writes into `Environment.Variables`: text, or an intrinsic resolved by CloudFormation. */
export type TemplateValue = string | { readonly [intrinsic: string]: unknown };

/** Builds the error a function throws for a bad variable (each function keeps its own error class). */
export type ConfigErrorFactory = (message: string, options?: { cause?: unknown }) => Error;

/** Lower-case DNS name such as goo.ne.jp (SES domain identities). */
export const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** Reads one function's variables; every failure is `<VAR> is <value>; allowed: <what>`. */
export class EnvReader {
  constructor(
    readonly env: Env,
    private readonly fail: ConfigErrorFactory,
  ) {}

  /** Throws the function's error for `key`. */
  reject(key: string, allowed: string, cause?: unknown): never {
    throw this.fail(
      `${key} is ${JSON.stringify(this.env[key])}; allowed: ${allowed}`,
      cause === undefined ? undefined : { cause },
    );
  }

  /** A non-empty (trimmed) value matching `pattern`. */
  text(key: string, allowed: string, pattern: RegExp = /\S/): string {
    const value = this.env[key]?.trim();
    if (!value || !pattern.test(value)) this.reject(key, allowed);
    return value;
  }

  /** Like {@link text}, but `fallback` when the variable is unset or empty. */
  optionalText(key: string, fallback: string): string {
    return this.env[key]?.trim() || fallback;
  }

  /** An SNS topic ARN. */
  topicArn(key: string): string {
    return this.text(
      key,
      'an SNS topic ARN such as "arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-alarms-p1"',
      TOPIC_ARN,
    );
  }

  /** A whole number in [min, max] (and a multiple of `step`), `fallback` when unset or empty. */
  integer(
    key: string,
    range: { min: number; max: number; fallback: number; step?: number; why?: string },
  ): number {
    const raw = this.env[key]?.trim();
    if (raw === undefined || raw === '') return range.fallback;
    const value = Number(raw);
    const step = range.step ?? 1;
    if (!Number.isInteger(value) || value < range.min || value > range.max || value % step !== 0) {
      this.reject(
        key,
        `${step === 1 ? 'a whole number' : `a multiple of ${step}`} from ${range.min} to ${range.max}` +
          ` (default ${range.fallback})${range.why ? `; ${range.why}` : ''}`,
      );
    }
    return value;
  }

  /** A JSON value. */
  json(key: string, example: string): unknown {
    try {
      return JSON.parse(this.env[key] ?? '');
    } catch (cause) {
      return this.reject(key, `JSON such as ${example}`, cause);
    }
  }

  /** A JSON array of distinct domain names (`["example.co.jp"]`). */
  domains(key: string): string[] {
    const parsed = this.json(key, '["example.co.jp"]');
    if (!Array.isArray(parsed)) this.reject(key, 'a JSON array of domain names, e.g. ["example.co.jp"]');
    const out: string[] = [];
    for (const item of parsed) {
      if (typeof item !== 'string' || !DOMAIN_NAME.test(item)) {
        this.reject(key, `a JSON array of lower-case domain names; ${JSON.stringify(item)} is not one`);
      }
      if (out.includes(item)) this.reject(key, `each domain once; ${JSON.stringify(item)} is listed twice`);
      out.push(item);
    }
    return out;
  }
}

/** Variables every function of the product gets (generators/lib/lambda.ts writes them). */
export interface CommonEnv {
  readonly environment: string;
  readonly projectCode: string;
  readonly serviceName: string;
}

export function writeCommonEnv(v: CommonEnv): Record<string, TemplateValue> {
  return {
    NODE_OPTIONS: '--enable-source-maps',
    ENVIRONMENT: v.environment,
    PROJECT_CODE: v.projectCode,
    POWERTOOLS_SERVICE_NAME: v.serviceName,
  };
}
