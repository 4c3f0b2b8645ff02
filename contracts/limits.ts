/**
 * AWS limits the templates and commands depend on, each with where it comes from. One place: a generator, a
 * handler or a script that needs a limit imports it from here.
 */

/** CloudFormation accepts at most 51,200 bytes of template body sent inline (TemplateBody). */
export const CFN_TEMPLATE_BODY_LIMIT = 51_200;

/** Sceptre adds 4 bytes to the body it sends; templates above this go through the artifacts bucket. */
export const INLINE_TEMPLATE_LIMIT = CFN_TEMPLATE_BODY_LIMIT - 4;

/** Lambda runs a function for at most 900 seconds. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** BYODKIM rotation interval bounds in days (environment file and the rotation functions alike). */
export const ROTATION_INTERVAL_DAYS = { min: 30, max: 730, default: 365 } as const;

/**
 * Longest selector the rotation makes: `ses<YYYYMMDD>-<n>` with n < 1000 (15 characters). The DKIM record
 * name `<selector>._domainkey.<domain>` must fit DNS's 253 characters, so the domain may have at most
 * 253 - 15 - 12 = 226 characters (issue #17, defect 11).
 */
export const DKIM_SELECTOR_MAX_LENGTH = 15;
export const DKIM_DOMAIN_MAX_LENGTH = 253 - DKIM_SELECTOR_MAX_LENGTH - '._domainkey.'.length;

/**
 * SES verified identities (domains and addresses together) per account and Region: 10,000 (SES developer guide,
 * "Service quotas in Amazon SES", identity quotas). `npm run cost -- --domains` prices no more.
 */
export const SES_IDENTITIES_PER_REGION = 10_000;

/** Alarms one alarm status widget can show (CloudWatch dashboard body structure, "alarms": up to 100). */
export const ALARM_WIDGET_MAX_ALARMS = 100;

/** Widgets one dashboard can hold (CloudWatch dashboard body structure: "between 0 and 500 widget objects"). */
export const DASHBOARD_MAX_WIDGETS = 500;

/** SNS Publish: "Subjects must be ... less than 100 characters long" (at most 99). */
export const SNS_SUBJECT_MAX = 99;

/**
 * BYODKIM deadlines (seed 6.2.0) as configured in `environments/<env>.yaml` under `byodkim:`, with today's
 * defaults; the generator passes them to the functions (DEADLINES_JSON) and derives the alarm thresholds.
 */
export const BYODKIM_DEADLINE_DEFAULTS = {
  /** Hours the DNS team has to publish the new record (P1 alarm and notice after that). */
  dnsDeadlineHours: 48,
  /** Roll back when SES is not SUCCESS this long after the switch (seed: 48-72 h, configurable). */
  verificationTimeoutHours: 72,
  /** `-byodkim-pending-72h` fires above this many hours pending: at least 4 h before the rollback. */
  pendingAlarmHours: 68,
  /** The old selector stays published at least this long after the switch (mail in flight). */
  oldRecordGraceHours: 48,
  /** Reminder to remove the old record this many days after the switch. */
  oldRecordReminderDays: 5,
  /** Days after the switch by which the old record must be gone (alarm threshold). */
  oldRecordDeadlineDays: 7,
} as const;

/**
 * The pending alarm evaluates 2 × 1 hour: it is in ALARM 3 hours after its threshold is first exceeded, so
 * the threshold must be this many hours below the rollback for the alarm to fire before any rollback.
 */
export const PENDING_ALARM_LEAD_HOURS = 4;

/** A limit the generated templates must stay within, checked by `npm run generate` (generators/lib/limits-check.ts). */
export interface TemplateLimit {
  readonly id: string;
  readonly what: string;
  readonly max: number;
  readonly unit: 'resources' | 'parameters' | 'outputs' | 'bytes' | 'characters' | 'managed policies';
  readonly source: string;
  /** What an operator changes when the limit is exceeded. */
  readonly fix: string;
}

const CFN_QUOTAS =
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html';
const IAM_QUOTAS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html';

/**
 * The template limits, each with its source. Sizes of values CloudFormation resolves at deploy time
 * (Ref, Fn::GetAtt, ...) are not known here: the check counts each as INTRINSIC_ESTIMATE characters, longer
 * than the ARNs and names they resolve to in this project, and an Fn::Sub string with its pseudo parameters at
 * their longest, so it errs on the side of refusing.
 */
export const TEMPLATE_LIMITS = {
  resources: {
    id: 'resources',
    what: 'resources per stack',
    max: 500,
    unit: 'resources',
    source: CFN_QUOTAS,
    fix: 'fewer domains in this environment, or split the environment',
  },
  parameters: {
    id: 'parameters',
    what: 'parameters per stack',
    max: 200,
    unit: 'parameters',
    source: CFN_QUOTAS,
    fix: 'fewer cross-stack references in this stack',
  },
  outputs: {
    id: 'outputs',
    what: 'outputs per stack',
    max: 200,
    unit: 'outputs',
    source: CFN_QUOTAS,
    fix: 'fewer outputs in this stack',
  },
  templateS3: {
    id: 'template-s3',
    what: 'template body through S3',
    max: 1_000_000,
    unit: 'bytes',
    source: CFN_QUOTAS,
    fix: 'fewer domains in this environment, or split the environment',
  },
  lambdaEnvironment: {
    id: 'lambda-environment',
    what: 'Lambda environment variables (keys and values) per function',
    max: 4096,
    unit: 'bytes',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
    fix: 'move per-domain data out of environment variables (fewer domains until then)',
  },
  managedPolicy: {
    id: 'managed-policy',
    what: 'IAM managed policy document (without white space)',
    max: 6144,
    unit: 'characters',
    source: IAM_QUOTAS,
    fix: 'fewer resources listed in the policy (fewer domains or sending ranges)',
  },
  roleInlinePolicies: {
    id: 'role-inline-policies',
    what: 'IAM inline policies of one role, together (without white space)',
    max: 10_240,
    unit: 'characters',
    source: IAM_QUOTAS,
    fix: 'fewer resources listed in the role policy (fewer domains)',
  },
  sendingPolicyParts: {
    id: 'sending-policy-parts',
    what: 'sending policy parts (SendingPolicy<k>Arn), every one attached to an application role or user',
    max: 20,
    unit: 'managed policies',
    source: `${IAM_QUOTAS} (managed policies attached to an IAM role or user: 10 by default, 20 at most on request)`,
    fix: 'fewer or shorter domains in ses.domains of this environment (about 110 domains of 42 characters fit one part), or split the environment',
  },
  dnsTeamMailParts: {
    id: 'dns-team-mail-parts',
    what: 'BYODKIM DNS-team mail policies (DnsTeamMailPolicy<k>) attached to the orchestrator and updater roles',
    max: 10,
    unit: 'managed policies',
    source: `${IAM_QUOTAS} (managed policies attached to an IAM role: 10 by default)`,
    fix: 'fewer distinct mail domains of ses.domains[].dnsTeam (about 120 of 42 characters fit one policy; a team address at a shared mail domain costs nothing more)',
  },
  stackPolicy: {
    id: 'stack-policy',
    what: 'CloudFormation stack policy body (SetStackPolicy StackPolicyBody)',
    max: 16_384,
    unit: 'characters',
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_SetStackPolicy.html',
    fix: 'a stack policy that does not list resources one by one (scripts/gate/protect.ts)',
  },
  roleTrustPolicy: {
    id: 'role-trust-policy',
    what: 'IAM role trust policy (without white space, default quota)',
    max: 2048,
    unit: 'characters',
    source: IAM_QUOTAS,
    fix: 'fewer principals or conditions in the trust policy',
  },
} as const satisfies Record<string, TemplateLimit>;

/** IAM's default quota of managed policies per role or user (TEMPLATE_LIMITS.sendingPolicyParts is the hard maximum). */
export const MANAGED_POLICIES_PER_ROLE_DEFAULT = 10;

/** Characters counted for one value CloudFormation resolves at deploy time (see TEMPLATE_LIMITS). */
export const INTRINSIC_ESTIMATE = 128;

/**
 * Request rates of the AWS APIs the BYODKIM rotation calls (issue #14 item 5), each with the quota as its
 * page states it and the rate the functions pace themselves to (handlers/byodkim/core/pacing.ts: one token
 * bucket per API, in each function instance). The pace stays below the quota because other callers share
 * it (the validation monitor, operators, CloudFormation); the SDK's adaptive retry (handlers/shared/clients)
 * backs off with jitter on what still gets throttled, and a call that stays throttled fails the domain's
 * step as transient: recorded in its state and retried by the next tick (never dropped).
 */
export interface ApiRateLimit {
  readonly api: string;
  /** The quota in requests per second, as its page states it (default, per account and Region unless said). */
  readonly quotaPerSecond: number;
  /** Burst the quota's token bucket allows, where the page states one. */
  readonly quotaBurst?: number;
  /** Requests per second the functions pace themselves to. */
  readonly pacePerSecond: number;
  readonly source: string;
  readonly note: string;
}

const SES_QUOTAS = 'https://docs.aws.amazon.com/ses/latest/dg/quotas.html#quotas-email-general';
const KMS_QUOTAS = 'https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html';
const ROUTE53_THROTTLING =
  'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html';

export const API_RATE_LIMITS = {
  sesApi: {
    api: 'SES v2 GetEmailIdentity, PutEmailIdentityDkimSigningAttributes (every SES action but sending)',
    quotaPerSecond: 1,
    pacePerSecond: 1,
    source: SES_QUOTAS,
    note: 'SES throttles its actions other than sending at one request per second per account and Region; shared with the validation monitor and CloudFormation',
  },
  sesSend: {
    api: 'SES v2 SendEmail (DNS-team mail)',
    quotaPerSecond: 1,
    pacePerSecond: 1,
    source: SES_QUOTAS,
    note: "the account's sending rate: 1 email per second in the sandbox, set per account outside it (GetAccount SendQuota.MaxSendRate); counted per recipient; pacing at the sandbox rate is always safe",
  },
  kmsGenerateDataKeyPairRsa2048: {
    api: 'KMS GenerateDataKeyPair / GenerateDataKeyPairWithoutPlaintext (RSA_2048)',
    quotaPerSecond: 1,
    pacePerSecond: 1,
    source: KMS_QUOTAS,
    note: 'quota "GenerateDataKeyPair (RSA_2048) request rate" (RSA_3072 0.5, RSA_4096 0.1); shared by both operations',
  },
  kmsDecrypt: {
    api: 'KMS Decrypt (symmetric key)',
    quotaPerSecond: 20_000,
    pacePerSecond: 50,
    source: KMS_QUOTAS,
    note: '"Cryptographic operations (symmetric) request rate", shared by every symmetric operation of the account (20,000 in ap-northeast-1); the logs and notification keys use it too',
  },
  route53: {
    api: 'Route 53 ChangeResourceRecordSets, ListResourceRecordSets',
    quotaPerSecond: 10,
    quotaBurst: 50,
    pacePerSecond: 5,
    source: ROUTE53_THROTTLING,
    note: 'token buckets per account (all operations together: refill 10/s, burst 50) and per operation; a change also spends the change-throughput bucket. Before July 2026 the quota was 5 per second, the pace used here',
  },
  dynamodb: {
    api: 'DynamoDB GetItem, PutItem, DeleteItem (on-demand table)',
    quotaPerSecond: 40_000,
    pacePerSecond: 200,
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html',
    note: 'on-demand table: 40,000 read and 40,000 write request units per second by default; each item (one per domain) is its own partition key',
  },
  sns: {
    api: 'SNS Publish',
    quotaPerSecond: 1_500,
    pacePerSecond: 20,
    source: 'https://docs.aws.amazon.com/general/latest/gr/sns.html',
    note: 'Publish transactions per second per account and Region; the per-Region table of the page was NOT read in this session (1,500 is an assumed lower bound, to check); the pace is far below any stated value',
  },
} as const satisfies Record<string, ApiRateLimit>;

export type ApiRateKey = keyof typeof API_RATE_LIMITS;

/**
 * BYODKIM rotation spread (issue #14 item 5): each domain's scheduled rotation falls on one day of a window of
 * this many days that ends on the date the interval gives; at most half the interval. A date not yet announced
 * is never earlier than the tick that can announce it plus the 30-day notice (the notice wins over the interval).
 */
export const ROTATION_SPREAD_DAYS = { min: 0, max: 30, default: 30 } as const;

/**
 * Query limits the per-domain rates depend on (issue #14 items 4 and 6): the metrics function's one Logs Insights
 * query per run, the reports' per-domain queries, and GetMetricData. Sources: CloudWatch Logs API reference
 * (StartQuery: `limit` at most 10,000, 60-minute query timeout, 30 concurrent queries including dashboard
 * widgets) and `shared/notes/aws-facts.md` (GetMetricData: 500 metrics per request).
 */
export const QUERY_LIMITS = {
  /** Rows one Logs Insights query returns at most (StartQuery `limit`). A full page may be cut off. */
  insightsMaxRows: 10_000,
  /**
   * Concurrent Logs Insights queries per account and Region, dashboard widgets included: 30 in the StartQuery API
   * reference, 100 on the current "Analyzing log data with CloudWatch Logs Insights" page; the lower is assumed.
   */
  insightsConcurrentQueries: 30,
  /** A Logs Insights query times out after this long. */
  insightsQueryTimeoutMinutes: 60,
  /** `MetricDataQueries` in one GetMetricData request. */
  getMetricDataMaxQueries: 500,
} as const;
