/**
 * The environment configuration an operator edits (environments/<env>.yaml), as a zod schema.
 * Every optional key documents its default; defaults follow the seed (monitoring design v3.0) unless
 * aws-facts.md says the seed is wrong (e.g. 2557 days retention instead of the invalid 2555).
 */
import { z } from 'zod';
import { LOG_RETENTION_DAYS, ROTATION_INTERVAL_DAYS } from '../../contracts/limits.js';

const email = z.email({ error: 'must be an email address such as ops@example.co.jp' });
const emailList = z
  .array(email)
  .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, {
    error: 'lists an address twice: each person is notified once, list them once',
  });

const domainName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: 'must be a lower-case DNS domain name such as goo.ne.jp',
});

const cidr = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$|^[0-9a-f:]+:[0-9a-f:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/i,
    { error: 'must be an IPv4 or IPv6 CIDR range such as 203.0.113.0/24' },
  );

const evaluationPeriods = z.number().int().min(1).max(288);

/** One alarm tier: threshold and how many 5-minute periods must breach. */
const tier = (min: number, max: number) =>
  z.object({ threshold: z.number().min(min).max(max), evaluationPeriods }).strict();

const tiers = (min: number, max: number) =>
  z.object({ P1: tier(min, max), P2: tier(min, max), P3: tier(min, max) }).strict();

const domain = z
  .object({
    /** The SES domain identity, e.g. goo.ne.jp. */
    name: domainName,
    /** BYODKIM rotation interval in days. @default 365 (seed: yearly; M3AAWG suggests 180). */
    rotationIntervalDays: z
      .number()
      .int()
      .min(ROTATION_INTERVAL_DAYS.min)
      .max(ROTATION_INTERVAL_DAYS.max)
      .default(ROTATION_INTERVAL_DAYS.default),
    /** Route 53 hosted zone id: when set, rotation publishes and removes TXT records itself. @default - manual DNS-team flow */
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, {
        error: 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
      })
      .optional(),
  })
  .strict();

export const envConfigSchema = z
  .object({
    /** Project code, the prefix of every name. @default ses-migration */
    projectCode: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, {
        error: 'must be 3-32 lower-case letters, digits or hyphens',
      })
      .default('ses-migration'),
    /** Human environment name used in resource names: production or development. */
    environment: z.enum(['production', 'development']),
    /** AWS region. @default ap-northeast-1 (Tokyo) */
    region: z.enum(['ap-northeast-1']).default('ap-northeast-1'),
    /** Keep stateful resources (log groups, keys, buckets) when a stack or resource is deleted. @default true for production, false for development */
    retainData: z.boolean().optional(),
    ses: z
      .object({
        /** The sending domains (SES domain identities). */
        domains: z.array(domain).min(1, { error: 'needs at least one domain' }),
        /** The From addresses applications may use are any address at these domains. */
      })
      .strict(),
    notifications: z
      .object({
        /** Who receives each severity first (seed 3.3.2). Each list subscribes to that severity's delivery topic. */
        P1: emailList.min(1, { error: 'needs at least one address: P1 pages must reach someone' }),
        P2: emailList.default([]),
        P3: emailList.default([]),
        escalation: z
          .object({
            /** A P1 nobody acknowledged is re-sent to the P1 list and level 3 this often (seed 3.3.2). @default 15 */
            p1RenotifyMinutes: z.number().int().min(5).max(1440).default(15),
            /** A P2 nobody acknowledged goes to level 2 after this many minutes; absent: only by `npm run escalate`. */
            p2AutoEscalateMinutes: z.number().int().min(5).max(1440).optional(),
            /** Level 1: 担当者 (on-call engineer). */
            level1: emailList.default([]),
            /** Level 2: リーダー. */
            level2: emailList.default([]),
            /** Level 3: マネージャー. */
            level3: emailList.default([]),
          })
          .strict()
          .prefault({}),
      })
      .strict(),
    alarms: z
      .object({
        /** Bounce rate tiers in percent (seed 3.2.1). P1 uses Reputation.BounceRate. */
        bounceRate: tiers(0.01, 100).prefault({
          P1: { threshold: 5, evaluationPeriods: 2 },
          P2: { threshold: 2, evaluationPeriods: 3 },
          P3: { threshold: 1, evaluationPeriods: 5 },
        }),
        /** Complaint rate tiers in percent (seed 3.2.2). P1 uses Reputation.ComplaintRate. */
        complaintRate: tiers(0.001, 100).prefault({
          P1: { threshold: 0.1, evaluationPeriods: 2 },
          P2: { threshold: 0.05, evaluationPeriods: 3 },
          P3: { threshold: 0.01, evaluationPeriods: 5 },
        }),
        /** Send success rate tiers in percent: alarm when below (seed 3.2.3). */
        sendSuccessRate: tiers(1, 100).prefault({
          P1: { threshold: 95, evaluationPeriods: 1 },
          P2: { threshold: 98, evaluationPeriods: 2 },
          P3: { threshold: 99, evaluationPeriods: 3 },
        }),
        /** Application errors per 5 minutes: alarm when above (seed 3.2.4). */
        applicationErrors: tiers(0, 1_000_000).prefault({
          P1: { threshold: 50, evaluationPeriods: 1 },
          P2: { threshold: 20, evaluationPeriods: 2 },
          P3: { threshold: 10, evaluationPeriods: 3 },
        }),
        /** Sends per 5 minutes below which the 5-minute bounce/complaint rate tiers stay quiet (1 bounce in 10 sends must not page). @default 100 */
        minimumSendVolume: z.number().int().min(1).max(1_000_000).default(100),
        /** Delivery latency (p90 of delivery.processingTimeMillis, ms) above which a P3 alarm fires. @default 60000 */
        deliveryLatencyP90Ms: z.number().int().min(100).max(3_600_000).default(60_000),
        /** Firehose data freshness (seconds) above which a P2 alarm fires. @default 900 */
        firehoseFreshnessSeconds: z.number().int().min(60).max(86_400).default(900),
      })
      .strict()
      .prefault({}),
    logs: z
      .object({
        /** Retention of every log group in days; only CloudWatch's allowed values. @default 2557 (7 years; the seed's 2555 is not allowed) */
        retentionInDays: z
          .number()
          .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
            error: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
          })
          .default(2557),
        /** CloudWatch Logs filter pattern counting application errors in /aws/application/<project>/<environment>. */
        applicationErrorFilterPattern: z.string().min(1).max(1024).default('?ERROR ?Error ?Exception ?FATAL'),
      })
      .strict()
      .prefault({}),
    archive: z
      .object({
        /** Days before archived (masked) SES events move to S3 Glacier Instant Retrieval. @default 90 */
        transitionToGlacierDays: z.number().int().min(30).max(3650).default(90),
        /** Days before archived objects expire. @default 2557 (7 years, like the logs) */
        expirationDays: z.number().int().min(1).max(36500).default(2557),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        /** Source ranges allowed to call SES sending APIs; calls from elsewhere are denied. Empty: no IP restriction. */
        allowedSendingCidrs: z.array(cidr).default([]),
        /** VPC endpoint ids whose calls are allowed (they carry no aws:SourceIp). @default [] */
        allowedVpcEndpointIds: z
          .array(
            z.string().regex(/^vpce-[0-9a-f]{8,17}$/, {
              error: 'must be a VPC endpoint id such as vpce-0123456789abcdef0',
            }),
          )
          .default([]),
        /** Record S3 data events on the archive bucket in a CloudTrail trail (PII access audit, seed 5.2.2). @default true */
        auditArchiveReads: z.boolean().default(true),
        /**
         * S3 Object Lock on the audit-trail bucket: `governance` (default in production: locked versions cannot be
         * deleted or overwritten; bypassing needs s3:BypassGovernanceRetention, which the bucket policy denies to
         * everyone), `compliance` (not even the root user can shorten it; cannot be undone), `off` (default
         * elsewhere). @default governance in production, off otherwise
         */
        auditObjectLock: z.enum(['governance', 'compliance', 'off']).optional(),
        /** Days each audit-trail log file stays locked. @default 400 */
        auditLockDays: z.number().int().min(1).max(36500).default(400),
      })
      .strict()
      .prefault({}),
    ci: z
      .object({
        /** GitHub repository (owner/name) whose weekly drift workflow may assume a read-only drift role. @default - no role */
        githubRepository: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be owner/name of a GitHub repository' })
          .optional(),
        /** Create the account's GitHub OIDC provider (only one may exist per account). @default false */
        createOidcProvider: z.boolean().default(false),
        /** Branch the drift workflow runs on. @default main */
        branch: z.string().min(1).max(100).default('main'),
      })
      .strict()
      .prefault({}),
    lambda: z
      .object({
        /** Reserved concurrency for the monitoring functions; accounts with low limits reject reservations. @default - none */
        reservedConcurrency: z.number().int().min(1).max(1000).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The configuration as written in the file (before defaults). */
export type EnvConfigInput = z.input<typeof envConfigSchema>;

/** A validated environment: defaults applied, plus the Sceptre environment directory name (prod, dev). */
export type EnvConfig = z.output<typeof envConfigSchema> & {
  /** Sceptre environment directory, from the file name: environments/prod.yaml -> prod. */
  readonly sceptreEnv: string;
  /** Where the configuration came from, for error messages. */
  readonly source: string;
  /** retainData with its default resolved. */
  readonly retain: boolean;
};
