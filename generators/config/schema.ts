/**
 * The environment configuration an operator edits (environments/<env>.yaml), as a zod schema.
 * Every optional key documents its default; defaults follow the seed (monitoring design v3.0) unless
 * aws-facts.md says the seed is wrong (e.g. 2557 days retention instead of the invalid 2555).
 *
 * Over 400 lines: it is the reference of every key an operator may write, each with its default and allowed
 * values next to it (the README's configuration reference is checked against it); one file is one place to look.
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DNS_TEAM_MAX } from '../../contracts/functions/byodkim.js';
import { DOMAIN_NAME } from '../../contracts/functions/env.js';
import { MAX_IDENTITY_STACKS } from '../../contracts/identity-stacks.js';
import {
  BYODKIM_DEADLINE_DEFAULTS,
  DKIM_DOMAIN_MAX_LENGTH,
  LOG_RETENTION_DAYS,
  PENDING_ALARM_LEAD_HOURS,
  ROTATION_INTERVAL_DAYS,
  ROTATION_SPREAD_DAYS,
} from '../../contracts/limits.js';
import type { Severity } from '../../contracts/severity.js';

/** The rule of a number field, said the same way whatever is wrong with the value. */
function numberRule(min: number, max: number, int: boolean, unit: string): string {
  return `must be ${int ? 'a whole number' : 'a number'} from ${min} to ${max}${unit ? ` ${unit}` : ''}`;
}

/** A number field whose every failure (wrong type, fraction, too small, too big) states the whole rule. */
function num(min: number, max: number, opts: { readonly int?: boolean; readonly unit?: string } = {}) {
  const rule = numberRule(min, max, opts.int ?? false, opts.unit ?? '');
  const n = z.number({ error: rule });
  return (opts.int ? n.int({ error: rule }) : n).min(min, { error: rule }).max(max, { error: rule });
}

/** A text field matching `pattern`; every failure says `rule`. */
function text(pattern: RegExp, rule: string) {
  return z.string({ error: rule }).regex(pattern, { error: rule });
}

const email = z.email({ error: 'must be an email address such as ops@example.co.jp' });
const emailList = z
  .array(email, { error: 'must be a list of email addresses such as [ops@example.co.jp]' })
  .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, {
    error: 'lists an address twice: each person is notified once, list them once',
  });

const domainName = text(DOMAIN_NAME, 'must be a lower-case DNS domain name such as goo.ne.jp').max(
  DKIM_DOMAIN_MAX_LENGTH,
  {
    error: `must be at most ${DKIM_DOMAIN_MAX_LENGTH} characters: the BYODKIM record name <selector>._domainkey.<domain> must fit DNS's 253`,
  },
);

const CIDR_RULE = 'must be an IPv4 or IPv6 CIDR range such as 203.0.113.0/24 or 2001:db8::/32';

/**
 * A CIDR range, parsed by ipaddr.js (IPv4 only in four-part decimal, so `127.1/8` and `0x7f.0.0.1/8` are
 * refused). Host bits must be zero (the network address is what IAM compares); allow-all ranges are checked
 * in load.ts, which also knows the confirmation flag.
 */
const cidr = z.string({ error: CIDR_RULE }).superRefine((value, ctx) => {
  const v4 = ipaddr.IPv4.isValidCIDRFourPartDecimal(value);
  if (!v4 && !ipaddr.IPv6.isValidCIDR(value)) {
    ctx.addIssue({ code: 'custom', message: CIDR_RULE });
    return;
  }
  const [address, bits] = ipaddr.parseCIDR(value);
  const network = `${networkAddress(address, bits)}/${bits}`;
  if (network !== normalisedCidr(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `must start at its network address: with /${bits} that is ${network} (the address given has host bits set)`,
    });
  }
});

function networkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, bits: number): string {
  const bytes = address.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

function normalisedCidr(value: string): string {
  const [address, bits] = ipaddr.parseCIDR(value);
  return `${address.toString()}/${bits}`;
}

/** True for a range that holds every address of its family (`0.0.0.0/0`, `::/0`). */
export function isAllowAllCidr(value: string): boolean {
  try {
    return ipaddr.parseCIDR(value)[1] === 0;
  } catch {
    return false;
  }
}

const evaluationPeriods = num(1, 288, { int: true, unit: 'evaluation periods' });

export interface TierDefault {
  readonly threshold: number;
  readonly evaluationPeriods: number;
}

/** Alarm tiers of the seed (3.2.1-3.2.4); a file may override any tier, or one key of a tier. */
export const ALARM_TIER_DEFAULTS = {
  bounceRate: {
    P1: { threshold: 5, evaluationPeriods: 2 },
    P2: { threshold: 2, evaluationPeriods: 3 },
    P3: { threshold: 1, evaluationPeriods: 5 },
  },
  complaintRate: {
    P1: { threshold: 0.1, evaluationPeriods: 2 },
    P2: { threshold: 0.05, evaluationPeriods: 3 },
    P3: { threshold: 0.01, evaluationPeriods: 5 },
  },
  sendSuccessRate: {
    P1: { threshold: 95, evaluationPeriods: 1 },
    P2: { threshold: 98, evaluationPeriods: 2 },
    P3: { threshold: 99, evaluationPeriods: 3 },
  },
  applicationErrors: {
    P1: { threshold: 50, evaluationPeriods: 1 },
    P2: { threshold: 20, evaluationPeriods: 2 },
    P3: { threshold: 10, evaluationPeriods: 3 },
  },
} as const satisfies Record<string, Record<Severity, TierDefault>>;

export type AlarmFamily = keyof typeof ALARM_TIER_DEFAULTS;

/**
 * How the thresholds of a family must be ordered so that P1 fires on the worst value: `descending` (alarm when
 * above: P1 >= P2 >= P3) or `ascending` (alarm when below: P1 <= P2 <= P3).
 */
export const ALARM_TIER_ORDER: Readonly<Record<AlarmFamily, 'descending' | 'ascending'>> = {
  bounceRate: 'descending',
  complaintRate: 'descending',
  sendSuccessRate: 'ascending',
  applicationErrors: 'descending',
};

/** One alarm tier: threshold and how many periods must breach; a key left out takes the tier's default. */
const tier = (min: number, max: number, unit: string, d: TierDefault) =>
  z
    .object({
      threshold: num(min, max, { unit }).default(d.threshold),
      evaluationPeriods: evaluationPeriods.default(d.evaluationPeriods),
    })
    .strict()
    .prefault({});

/** The three tiers of a family; a tier left out takes its defaults. */
const tiers = (min: number, max: number, unit: string, d: Record<Severity, TierDefault>) =>
  z
    .object({
      P1: tier(min, max, unit, d.P1),
      P2: tier(min, max, unit, d.P2),
      P3: tier(min, max, unit, d.P3),
    })
    .strict()
    .prefault({});

/** Letters, digits and inner hyphens: one part of a resource name. */
export const NAME_PART = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Longest `<projectCode>-<environment>` prefix: the longest name built on it, the IAM role
 * `<prefix>-byodkim-validation-check-schedule`, must fit IAM's 64 characters.
 */
export const MAX_PREFIX_LENGTH = 30;

const domain = z
  .object({
    /** The SES domain identity, e.g. goo.ne.jp. */
    name: domainName,
    /** BYODKIM rotation interval in days. @default 365 (seed: yearly; M3AAWG suggests 180). */
    rotationIntervalDays: num(ROTATION_INTERVAL_DAYS.min, ROTATION_INTERVAL_DAYS.max, {
      int: true,
      unit: 'days',
    }).default(ROTATION_INTERVAL_DAYS.default),
    /** Route 53 hosted zone id: when set, rotation publishes and removes TXT records itself. @default - manual DNS-team flow */
    hostedZoneId: text(
      /^Z[A-Z0-9]{1,31}$/,
      'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ',
    ).optional(),
    /**
     * The DNS team of this domain: DNS requests and reminders of its BYODKIM rotation are mailed to these
     * addresses (SES, from `byodkim.dnsRequestSender`). @default - the P2 notification list (SNS), as before
     */
    dnsTeam: emailList
      .min(1, { error: 'needs at least one address, or leave dnsTeam out (the P2 list is used)' })
      .max(DNS_TEAM_MAX, {
        error: `must have at most ${DNS_TEAM_MAX} addresses (recipients of one SES message)`,
      })
      .optional(),
  })
  .strict();

export const envConfigSchema = z
  .object({
    /** Project code, the prefix of every name. @default ses-migration */
    projectCode: text(
      /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/,
      'must be 3-32 lower-case letters, digits or hyphens, starting with a letter (such as ses-migration)',
    ).default('ses-migration'),
    /**
     * Environment name used in every resource name (`<projectCode>-<environment>-...`), any name part such as
     * production, development, staging, qa. Two files may not share projectCode + environment.
     */
    environment: text(
      NAME_PART,
      'must be a name such as production, development, staging or qa: lower-case letters, digits and hyphens, starting with a letter',
    ),
    /** The AWS account this environment deploys to (12 digits, quoted); every command refuses another. Required to deploy. */
    accountId: text(
      /^\d{12}$/,
      "must be the 12-digit AWS account id in quotes, such as '123456789012'",
    ).optional(),
    /** AWS CLI profile Sceptre uses for this environment. @default - the shell's credentials */
    profile: text(/^[\w.+=@-]{1,128}$/, 'must be an AWS CLI profile name').optional(),
    /** IAM role Sceptre assumes for every stack action (sceptre_role), in the account above. @default - none */
    roleArn: text(
      /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'must be an IAM role ARN such as arn:aws:iam::123456789012:role/deploy',
    ).optional(),
    /** AWS region. @default ap-northeast-1 (Tokyo) */
    region: z
      .enum(['ap-northeast-1'], { error: 'must be ap-northeast-1: only Tokyo is supported' })
      .default('ap-northeast-1'),
    /** Keep stateful resources (log groups, keys, buckets) when a stack or resource is deleted. @default true for production, false otherwise */
    retainData: z.boolean().optional(),
    ses: z
      .object({
        /** The sending domains (SES domain identities). */
        domains: z
          .array(domain, { error: 'must be a list of domains (- name: goo.ne.jp)' })
          .min(1, { error: 'needs at least one domain' }),
        /** The From addresses applications may use are any address at these domains. */
        /**
         * CloudFormation stacks holding the domain identities (at most 500 resources per stack): shard 0 is the
         * `ses` stack, shard k the `ses-identities-<k>` stack, a domain's shard a stable hash of its name. Adding or
         * removing a domain never moves another; changing this number moves identities (delete and recreate):
         * a migration, see README "Spreading identities over stacks". @default 1
         */
        identityStacks: num(1, MAX_IDENTITY_STACKS, { int: true, unit: 'stacks' }).default(1),
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
            p1RenotifyMinutes: num(5, 1440, { int: true, unit: 'minutes' }).default(15),
            /** A P2 nobody acknowledged goes to level 2 after this many minutes; absent: only by `npm run escalate`. */
            p2AutoEscalateMinutes: num(5, 1440, { int: true, unit: 'minutes' }).optional(),
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
        bounceRate: tiers(0.01, 100, 'percent', ALARM_TIER_DEFAULTS.bounceRate),
        /** Complaint rate tiers in percent (seed 3.2.2). P1 uses Reputation.ComplaintRate. */
        complaintRate: tiers(0.001, 100, 'percent', ALARM_TIER_DEFAULTS.complaintRate),
        /** Send success rate tiers in percent: alarm when below (seed 3.2.3). */
        sendSuccessRate: tiers(1, 100, 'percent', ALARM_TIER_DEFAULTS.sendSuccessRate),
        /** Application errors per 5 minutes: alarm when above (seed 3.2.4). */
        applicationErrors: tiers(0, 1_000_000, 'errors per 5 minutes', ALARM_TIER_DEFAULTS.applicationErrors),
        /** Sends per 5 minutes below which the 5-minute bounce/complaint rate tiers stay quiet (1 bounce in 10 sends must not page). @default 100 */
        minimumSendVolume: num(1, 1_000_000, { int: true, unit: 'sends per 5 minutes' }).default(100),
        /** Delivery latency (p90 of delivery.processingTimeMillis, ms) above which a P3 alarm fires. @default 60000 */
        deliveryLatencyP90Ms: num(100, 3_600_000, { int: true, unit: 'milliseconds' }).default(60_000),
        /** Firehose data freshness (seconds) above which a P2 alarm fires. @default 900 */
        firehoseFreshnessSeconds: num(60, 86_400, { int: true, unit: 'seconds' }).default(900),
      })
      .strict()
      .prefault({}),
    byodkim: z
      .object({
        /** Hours the DNS team has to publish a new DKIM record (seed 6.2.0). @default 48 */
        dnsDeadlineHours: num(12, 168, { int: true, unit: 'hours' }).default(
          BYODKIM_DEADLINE_DEFAULTS.dnsDeadlineHours,
        ),
        /** Roll back when SES is not SUCCESS this long after the switch (seed 6.2.0: 48-72). @default 72 */
        verificationTimeoutHours: num(24, 168, { int: true, unit: 'hours' }).default(
          BYODKIM_DEADLINE_DEFAULTS.verificationTimeoutHours,
        ),
        /** Threshold of `-byodkim-pending-72h`; at most verificationTimeoutHours - 4 so it fires before the rollback. @default 68 */
        pendingAlarmHours: num(1, 164, { int: true, unit: 'hours' }).default(
          BYODKIM_DEADLINE_DEFAULTS.pendingAlarmHours,
        ),
        /** The old selector stays published at least this long after the switch. @default 48 */
        oldRecordGraceHours: num(1, 168, { int: true, unit: 'hours' }).default(
          BYODKIM_DEADLINE_DEFAULTS.oldRecordGraceHours,
        ),
        /** Reminder to remove the old record this many days after the switch. @default 5 */
        oldRecordReminderDays: num(1, 30, { int: true, unit: 'days' }).default(
          BYODKIM_DEADLINE_DEFAULTS.oldRecordReminderDays,
        ),
        /**
         * Spread of scheduled rotations (seed 6.5.3): each domain rotates on its own day of a window of this many
         * days ending on the date its interval gives (never later, unless the 30-day notice needs more time).
         * Set in the file: at most half of every domain's rotationIntervalDays (else the file is refused); left
         * out: 30, capped per domain to half its interval. 0: every domain on its interval's date. @default 30
         */
        rotationSpreadDays: num(ROTATION_SPREAD_DAYS.min, ROTATION_SPREAD_DAYS.max, {
          int: true,
          unit: 'days',
        }).default(ROTATION_SPREAD_DAYS.default),
        /**
         * From address of the DNS requests mailed to a domain's `dnsTeam` (must be at one of ses.domains: SES
         * sends only from verified identities). Required when a domain has a dnsTeam. @default - none
         */
        dnsRequestSender: email.optional(),
        /** The old record must be gone this many days after the switch (alarm threshold; seed: 7). @default 7 */
        oldRecordDeadlineDays: num(1, 30, { int: true, unit: 'days' }).default(
          BYODKIM_DEADLINE_DEFAULTS.oldRecordDeadlineDays,
        ),
      })
      .strict()
      .refine((b) => b.pendingAlarmHours <= b.verificationTimeoutHours - PENDING_ALARM_LEAD_HOURS, {
        error: `pendingAlarmHours must be at most verificationTimeoutHours - ${PENDING_ALARM_LEAD_HOURS} (the alarm evaluates 2 hourly periods and must fire before the rollback)`,
        path: ['pendingAlarmHours'],
      })
      .refine(
        (b) =>
          b.oldRecordReminderDays < b.oldRecordDeadlineDays &&
          b.oldRecordGraceHours < b.oldRecordDeadlineDays * 24,
        {
          error: 'oldRecordReminderDays and oldRecordGraceHours must come before oldRecordDeadlineDays',
          path: ['oldRecordReminderDays'],
        },
      )
      .prefault({}),
    logs: z
      .object({
        /** Retention of every log group in days; only CloudWatch's allowed values. @default 2557 (7 years; the seed's 2555 is not allowed) */
        retentionInDays: z
          .number({
            error: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(', ')} (days)`,
          })
          .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
            error: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(', ')} (days)`,
          })
          .default(2557),
        /** CloudWatch Logs filter pattern counting application errors in /aws/application/<project>/<environment>. */
        applicationErrorFilterPattern: z
          .string({ error: 'must be a CloudWatch Logs filter pattern of 1 to 1024 characters' })
          .min(1, { error: 'must be a CloudWatch Logs filter pattern of 1 to 1024 characters' })
          .max(1024, { error: 'must be a CloudWatch Logs filter pattern of 1 to 1024 characters' })
          .default('?ERROR ?Error ?Exception ?FATAL'),
      })
      .strict()
      .prefault({}),
    archive: z
      .object({
        /**
         * Days before archived (masked) SES events move to S3 Glacier Instant Retrieval; `null`: no transition
         * (objects that expire first). Must be below expirationDays. @default 90
         */
        transitionToGlacierDays: num(30, 3650, { int: true, unit: 'days (or null: no transition)' })
          .nullable()
          .default(90),
        /** Days before archived objects expire. @default 2557 (7 years, like the logs) */
        expirationDays: num(1, 36500, { int: true, unit: 'days' }).default(2557),
      })
      .strict()
      .prefault({}),
    security: z
      .object({
        /** Source ranges allowed to call SES sending APIs; calls from elsewhere are denied. Empty: no IP restriction. */
        allowedSendingCidrs: z
          .array(cidr, { error: 'must be a list of CIDR ranges such as [203.0.113.0/24]' })
          .default([]),
        /**
         * Confirms that allowedSendingCidrs may hold an allow-all range (0.0.0.0/0 or ::/0), which lifts the IP
         * restriction for its address family. @default false
         */
        allowAllSendingCidrsConfirmed: z.boolean().default(false),
        /** VPC endpoint ids whose calls are allowed (they carry no aws:SourceIp). @default [] */
        allowedVpcEndpointIds: z
          .array(text(/^vpce-[0-9a-f]{8,17}$/, 'must be a VPC endpoint id such as vpce-0123456789abcdef0'))
          .default([]),
        /** Record S3 data events on the archive bucket in a CloudTrail trail (PII access audit, seed 5.2.2). @default true */
        auditArchiveReads: z.boolean().default(true),
        /**
         * S3 Object Lock on the audit-trail bucket: `governance` (default in production: locked versions cannot be
         * deleted or overwritten; bypassing needs s3:BypassGovernanceRetention, which the bucket policy denies to
         * everyone), `compliance` (not even the root user can shorten it; cannot be undone), `off` (default
         * elsewhere). @default governance in production, off otherwise
         */
        auditObjectLock: z
          .enum(['governance', 'compliance', 'off'], { error: 'must be governance, compliance or off' })
          .optional(),
        /** Days each audit-trail log file stays locked. @default 400 */
        auditLockDays: num(1, 36500, { int: true, unit: 'days' }).default(400),
        /**
         * An existing trail (organization or account) that already records the archive bucket's S3 data events:
         * the project creates no trail of its own, and `npm run status -- <env> --pii-access-days N` reads this
         * bucket. @default - the project's own archive-access trail
         */
        existingTrail: z
          .object({
            bucket: text(
              /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
              'must be an S3 bucket name such as org-cloudtrail-logs',
            ),
            /** Key prefix before AWSLogs/ (an organization trail's is often its organization id). @default none */
            prefix: text(
              /^[A-Za-z0-9!_.*'()/-]{1,200}$/,
              'must be an S3 key prefix such as o-abc123',
            ).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    ci: z
      .object({
        /** GitHub repository (owner/name) whose weekly drift workflow may assume a read-only drift role. @default - no role */
        githubRepository: text(
          /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
          'must be owner/name of a GitHub repository',
        ).optional(),
        /** Create the account's GitHub OIDC provider (only one may exist per account). @default false */
        createOidcProvider: z.boolean().default(false),
        /** Branch the drift workflow runs on. @default main */
        branch: z
          .string({ error: 'must be a branch name of 1 to 100 characters' })
          .min(1, { error: 'must be a branch name of 1 to 100 characters' })
          .max(100, { error: 'must be a branch name of 1 to 100 characters' })
          .default('main'),
      })
      .strict()
      .prefault({}),
    artifacts: z
      .object({
        /** Days after which a bundle or uploaded template the deploy gate tagged as unreferenced expires. @default 30 */
        unreferencedExpirationDays: z.number().int().min(1).max(3650).default(30),
      })
      .strict()
      .prefault({}),
    /** Periodic reports (seed 4.3.1): From address (at one of ses.domains) and recipients per cadence. @default - archived and summarised on P3, not mailed */
    reports: z
      .object({
        sender: email.optional(),
        daily: emailList.default([]),
        weekly: emailList.default([]),
        monthly: emailList.default([]),
      })
      .strict()
      .prefault({}),
    lambda: z
      .object({
        /** Reserved concurrency for the monitoring functions; accounts with low limits reject reservations. @default - none */
        reservedConcurrency: num(1, 1000, { int: true, unit: 'concurrent executions' }).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => !c.roleArn || !c.accountId || c.roleArn.split(':')[4] === c.accountId, {
    error: 'roleArn must be a role in the account accountId names',
    path: ['roleArn'],
  });
// byodkim.dnsRequestSender (required with a dnsTeam, at one of ses.domains) and byodkim.rotationSpreadDays (at most
// half each interval when set) are checked in load.ts, which knows the lines of the keys (checkByodkim).

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
