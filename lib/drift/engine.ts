/**
 * The drift engine shared by `npm run drift` and the weekly drift-detection Lambda: for every stack, start
 * CloudFormation drift detection (bounded concurrency, retries on throttling), poll until done or timed out,
 * collect resource drifts with their property differences (paged), apply the ignore rules and, when a local
 * template is given, compare it with the deployed one. Every failure becomes a row; nothing here throws for
 * one stack's problem. No filesystem and no environment access: callers inject the client, clock and sleep.
 *
 * Over 400 lines on purpose: one stack's run is one sequence (describe, detect, poll, read drifts, ignore,
 * compare) sharing its retry wrapper, deadline and error list; the report rendering (report.ts), retries
 * (pool.ts), ignore matching (ignore-rules.ts) and template diff (template-diff.ts) are already apart.
 */
import {
  DescribeStackDriftDetectionStatusCommand,
  type DescribeStackDriftDetectionStatusCommandOutput,
  DescribeStackResourceDriftsCommand,
  type DescribeStackResourceDriftsCommandOutput,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  DetectStackDriftCommand,
  type DetectStackDriftCommandOutput,
  GetTemplateCommand,
  type GetTemplateCommandOutput,
  type StackResourceDrift,
} from '@aws-sdk/client-cloudformation';
import { apiErrorText, describeError, isMissingStack } from '../errors.js';
import { type IgnoreRule, ruleMatchesPath, ruleMatchesResource } from './ignore-rules.js';
import { mapLimit, withRetry } from './pool.js';
import { diffTemplates, isEmptyDiff, parseJsonTemplate, type TemplateDiff } from './template-diff.js';

/** The one CloudFormation call the engine makes: `client.send(command)` (a real client or a mock). */
export interface CloudFormationSender {
  // biome-ignore lint/suspicious/noExplicitAny: commands of several shapes go through one send.
  send(command: any): Promise<any>;
}

export interface DriftTarget {
  /** Short name (`base`). */
  readonly name: string;
  /** CloudFormation stack name (`ses-migration-prod-base`). */
  readonly stackName: string;
  /** The freshly generated template text; `undefined` = none on disk. Absent = no template comparison. */
  readonly localTemplate?: () => Promise<string | undefined>;
}

export interface DriftDeps {
  readonly cloudformation: CloudFormationSender;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** One line per event, for stderr. */
  readonly progress?: (line: string) => void;
  readonly random?: () => number;
  /** Parses template bodies for the template comparison. @default JSON only (the CLI passes a YAML-capable one) */
  readonly parseTemplate?: (body: string) => Record<string, unknown>;
}

export interface DriftOptions {
  /** Per-stack limit for drift detection to finish. @default 300000 (5 minutes) */
  readonly timeoutMs?: number;
  /** Stacks in flight at once. @default 16 */
  readonly concurrency?: number;
  /** First wait between status polls; grows 1.5x per poll. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Longest wait between status polls. @default 10000 */
  readonly maxPollIntervalMs?: number;
  /** Attempts per call when throttled. @default 8 */
  readonly retryAttempts?: number;
  /** First backoff ceiling on throttling. @default 500 */
  readonly retryBaseMs?: number;
  readonly ignore?: readonly IgnoreRule[];
  /**
   * A detection still running at `timeoutMs` is DEFERRED (its detection id kept, CloudFormation carries on and
   * DescribeStackResourceDrifts gives its result later) instead of an ERROR. The weekly Lambda sets this: its
   * 15-minute limit is shorter than the detection of an identity stack at scale (SES reads 1 request/s).
   * @default false (the CLI and the deploy gate wait for a verdict)
   */
  readonly deferOnTimeout?: boolean;
  /**
   * Absolute end of every wait (on `deps.now()`), whatever `timeoutMs` leaves: stacks queued behind
   * `concurrency` start late and must not outlive the caller (the Lambda's 15 minutes). @default none
   */
  readonly deadlineAt?: number;
}

export type ErrorKind = 'missing-stack' | 'timeout' | 'api' | 'detection-failed' | 'template';

export interface StackError {
  readonly kind: ErrorKind;
  readonly message: string;
}

export interface PropertyChange {
  readonly path: string;
  readonly type: string;
  readonly expected: string;
  readonly actual: string;
  /** Set when an ignore rule covers this difference. */
  readonly ignoredBecause?: string;
}

export interface ResourceDriftRow {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly type: string;
  /** MODIFIED | DELETED | NOT_CHECKED | UNKNOWN | UNSUPPORTED */
  readonly status: string;
  readonly differences: readonly PropertyChange[];
  /** Set when an ignore rule covers the whole resource or every one of its differences. */
  readonly ignoredBecause?: string;
}

/**
 * NOT_DEPLOYED: the stack does not exist (never deployed, or deleted); not an error of the check.
 * DEFERRED: detection started and still running when this run had to stop waiting (`deferOnTimeout`): no
 * verdict yet, neither in sync nor an error; `detectionId` says which detection to read later.
 */
export type Outcome = 'IN_SYNC' | 'DRIFTED' | 'NOT_DEPLOYED' | 'ERROR' | 'DEFERRED';

export interface StackReport {
  readonly name: string;
  readonly stackName: string;
  readonly outcome: Outcome;
  readonly stackStatus?: string;
  /** CloudFormation's own verdict: IN_SYNC | DRIFTED | UNKNOWN | NOT_CHECKED. */
  readonly stackDriftStatus?: string;
  readonly detectionId?: string;
  /** MODIFIED or DELETED resources that still count (not fully ignored). */
  readonly drifts: readonly ResourceDriftRow[];
  /** Drifted resources every difference of which an ignore rule covers. */
  readonly ignored: readonly ResourceDriftRow[];
  /**
   * Resources CloudFormation could not check, with their status: UNKNOWN (the check failed, usually a read
   * permission of the caller is missing), UNSUPPORTED or NOT_CHECKED (type without drift support).
   */
  readonly notChecked: readonly ResourceDriftRow[];
  /** Deployed vs local template; `null` = not compared. */
  readonly templateDiff: TemplateDiff | null;
  readonly errors: readonly StackError[];
  readonly durationMs: number;
}

export interface DriftSummary {
  readonly inSync: number;
  readonly drifted: number;
  readonly notDeployed: number;
  readonly errors: number;
  /** DEFERRED stacks; present only when there are some. */
  readonly deferred?: number;
}

export interface DriftReport {
  readonly env: string;
  readonly region: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly stacks: readonly StackReport[];
  readonly summary: DriftSummary;
  /** Ignore rules that matched nothing: stale entries to remove. */
  readonly unusedIgnores: readonly IgnoreRule[];
}

/** What each exit code of a drift run means (the CLI's help, its last line and the README say the same). */
export const DRIFT_EXIT_CODES = {
  0: 'in sync',
  1: 'drift found',
  2: 'errors',
  3: 'not deployed',
} as const;

/**
 * Exit code of a run: 2 when any stack errored or has no verdict yet (DEFERRED), else 1 when any drifted, else 3 when any stack does not exist
 * (nothing to compare: deploy it first), else 0.
 */
export function exitCodeOf(report: Pick<DriftReport, 'stacks'>): 0 | 1 | 2 | 3 {
  if (report.stacks.some((s) => s.outcome === 'ERROR' || s.outcome === 'DEFERRED')) return 2;
  if (report.stacks.some((s) => s.outcome === 'DRIFTED')) return 1;
  if (report.stacks.some((s) => s.outcome === 'NOT_DEPLOYED')) return 3;
  return 0;
}

class DetectionTimeout extends Error {
  override readonly name = 'DetectionTimeout';
}

/** Runs drift detection over every target and returns the report; never rejects for a stack's problem. */
export async function runDrift(
  targets: readonly DriftTarget[],
  meta: { readonly env: string; readonly region: string },
  deps: DriftDeps,
  options: DriftOptions = {},
): Promise<DriftReport> {
  const started = deps.now();
  const ignore = options.ignore ?? [];
  const used = new Set<IgnoreRule>();
  const progress = deps.progress ?? (() => {});
  let done = 0;
  const stacks = await mapLimit(targets, options.concurrency ?? 16, async (target) => {
    const report = await driftOfStack(target, deps, options, ignore, used);
    done++;
    const detail = report.errors.map((e) => e.message).join('; ');
    progress(
      `[${done}/${targets.length}] ${target.stackName}: ${report.outcome}${detail ? ` (${detail})` : ''}`,
    );
    return report;
  });
  const deferred = stacks.filter((s) => s.outcome === 'DEFERRED').length;
  return {
    env: meta.env,
    region: meta.region,
    startedAt: new Date(started).toISOString(),
    durationMs: deps.now() - started,
    stacks,
    summary: {
      inSync: stacks.filter((s) => s.outcome === 'IN_SYNC').length,
      drifted: stacks.filter((s) => s.outcome === 'DRIFTED').length,
      notDeployed: stacks.filter((s) => s.outcome === 'NOT_DEPLOYED').length,
      errors: stacks.filter((s) => s.outcome === 'ERROR').length,
      ...(deferred ? { deferred } : {}),
    },
    unusedIgnores: ignore.filter((r) => !used.has(r)),
  };
}

async function driftOfStack(
  target: DriftTarget,
  deps: DriftDeps,
  options: DriftOptions,
  ignore: readonly IgnoreRule[],
  used: Set<IgnoreRule>,
): Promise<StackReport> {
  const started = deps.now();
  const progress = deps.progress ?? (() => {});
  const call = <T>(label: string, fn: () => Promise<T>) =>
    withRetry(fn, {
      sleep: deps.sleep,
      attempts: options.retryAttempts ?? 8,
      baseMs: options.retryBaseMs ?? 500,
      ...(deps.random ? { random: deps.random } : {}),
      onRetry: (attempt, delay) =>
        progress(`${target.stackName}: ${label} throttled, retry ${attempt} in ${delay} ms`),
    });
  const errors: StackError[] = [];
  const base = { name: target.name, stackName: target.stackName };

  let stackStatus: string | undefined;
  try {
    const out: DescribeStacksCommandOutput = await call('DescribeStacks', () =>
      deps.cloudformation.send(new DescribeStacksCommand({ StackName: target.stackName })),
    );
    stackStatus = out.Stacks?.[0]?.StackStatus;
  } catch (error) {
    const missing = isMissingStack(error);
    errors.push({
      kind: missing ? 'missing-stack' : 'api',
      message: missing
        ? `stack ${target.stackName} does not exist (not deployed: nothing to compare)`
        : `DescribeStacks: ${apiErrorText(error)}`,
    });
    return {
      ...base,
      outcome: missing ? 'NOT_DEPLOYED' : 'ERROR',
      drifts: [],
      ignored: [],
      notChecked: [],
      templateDiff: null,
      errors,
      durationMs: deps.now() - started,
    };
  }

  const [drift, templateDiff] = await Promise.all([
    detect(target, deps, options, call, errors),
    compareTemplate(target, deps, call, errors),
  ]);
  const rows = drift?.rows ?? [];
  const { counted, ignored } = applyIgnore(rows, target, ignore, used);
  const outcome: Outcome = errors.length
    ? 'ERROR'
    : drift?.deferred
      ? 'DEFERRED'
      : counted.length || (templateDiff && !isEmptyDiff(templateDiff))
        ? 'DRIFTED'
        : 'IN_SYNC';
  return {
    ...base,
    outcome,
    ...(stackStatus ? { stackStatus } : {}),
    ...(drift?.stackDriftStatus ? { stackDriftStatus: drift.stackDriftStatus } : {}),
    ...(drift?.detectionId ? { detectionId: drift.detectionId } : {}),
    drifts: counted,
    ignored,
    notChecked: rows.filter((r) => UNCHECKED.has(r.status)),
    templateDiff,
    errors,
    durationMs: deps.now() - started,
  };
}

/** Resource statuses that mean "could not be checked": reported apart, never counted as drift. */
const UNCHECKED = new Set(['UNKNOWN', 'UNSUPPORTED', 'NOT_CHECKED']);

type Call = <T>(label: string, fn: () => Promise<T>) => Promise<T>;

async function detect(
  target: DriftTarget,
  deps: DriftDeps,
  options: DriftOptions,
  call: Call,
  errors: StackError[],
): Promise<
  { detectionId: string; stackDriftStatus?: string; rows: ResourceDriftRow[]; deferred?: true } | undefined
> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  let detectionId: string | undefined;
  let op = 'DetectStackDrift';
  try {
    const started: DetectStackDriftCommandOutput = await call('DetectStackDrift', () =>
      deps.cloudformation.send(new DetectStackDriftCommand({ StackName: target.stackName })),
    );
    detectionId = started.StackDriftDetectionId;
    if (!detectionId) throw new Error('DetectStackDrift returned no StackDriftDetectionId');
    deps.progress?.(`${target.stackName}: drift detection ${detectionId} started`);
    op = 'DescribeStackDriftDetectionStatus';
    const deadline = Math.min(deps.now() + timeoutMs, options.deadlineAt ?? Number.POSITIVE_INFINITY);
    let interval = options.pollIntervalMs ?? 2_000;
    const maxInterval = options.maxPollIntervalMs ?? 10_000;
    let status: DescribeStackDriftDetectionStatusCommandOutput;
    for (;;) {
      const remaining = deadline - deps.now();
      if (remaining <= 0) {
        throw new DetectionTimeout(
          `drift detection ${detectionId} still in progress after ${Math.round(timeoutMs / 1000)} s (--timeout-seconds)`,
        );
      }
      await deps.sleep(Math.min(interval, remaining));
      interval = Math.min(maxInterval, Math.round(interval * 1.5));
      const id = detectionId;
      status = await call('DescribeStackDriftDetectionStatus', () =>
        deps.cloudformation.send(new DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: id })),
      );
      if (status.DetectionStatus !== 'DETECTION_IN_PROGRESS') break;
    }
    if (status.DetectionStatus === 'DETECTION_FAILED') {
      // Drift was checked for some resources only (often: no permission to read a resource type).
      errors.push({
        kind: 'detection-failed',
        message: `drift detection failed: ${status.DetectionStatusReason ?? 'no reason given'}`,
      });
    }
    op = 'DescribeStackResourceDrifts';
    const rows = await resourceDrifts(target, deps, call);
    return {
      detectionId,
      ...(status.StackDriftStatus ? { stackDriftStatus: status.StackDriftStatus } : {}),
      rows,
    };
  } catch (error) {
    if (error instanceof DetectionTimeout && options.deferOnTimeout && detectionId) {
      deps.progress?.(`${target.stackName}: drift detection ${detectionId} still running, deferred`);
      return { detectionId, rows: [], deferred: true };
    }
    if (error instanceof DetectionTimeout) errors.push({ kind: 'timeout', message: error.message });
    else if (isMissingStack(error))
      errors.push({ kind: 'missing-stack', message: `stack ${target.stackName} does not exist` });
    else errors.push({ kind: 'api', message: `${op}: ${apiErrorText(error)}` });
    return detectionId ? { detectionId, rows: [] } : undefined;
  }
}

async function resourceDrifts(target: DriftTarget, deps: DriftDeps, call: Call): Promise<ResourceDriftRow[]> {
  const rows: ResourceDriftRow[] = [];
  let token: string | undefined;
  do {
    const next = token;
    const page: DescribeStackResourceDriftsCommandOutput = await call('DescribeStackResourceDrifts', () =>
      deps.cloudformation.send(
        new DescribeStackResourceDriftsCommand({
          StackName: target.stackName,
          // UNKNOWN is what a resource gets when CloudFormation could not read it (e.g. a missing permission);
          // the API reference documents NOT_CHECKED as not currently returned, UNSUPPORTED for types without support.
          StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED', 'UNKNOWN', 'UNSUPPORTED', 'NOT_CHECKED'],
          MaxResults: 100,
          ...(next ? { NextToken: next } : {}),
        }),
      ),
    );
    for (const d of page.StackResourceDrifts ?? []) rows.push(toRow(d));
    token = page.NextToken;
  } while (token);
  return rows.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

function toRow(d: StackResourceDrift): ResourceDriftRow {
  return {
    logicalId: d.LogicalResourceId ?? '?',
    ...(d.PhysicalResourceId ? { physicalId: d.PhysicalResourceId } : {}),
    type: d.ResourceType ?? '?',
    status: d.StackResourceDriftStatus ?? '?',
    differences: (d.PropertyDifferences ?? []).map((p) => ({
      path: p.PropertyPath ?? '',
      type: p.DifferenceType ?? '',
      expected: p.ExpectedValue ?? '',
      actual: p.ActualValue ?? '',
    })),
  };
}

function applyIgnore(
  rows: readonly ResourceDriftRow[],
  target: DriftTarget,
  rules: readonly IgnoreRule[],
  used: Set<IgnoreRule>,
): { counted: ResourceDriftRow[]; ignored: ResourceDriftRow[] } {
  const counted: ResourceDriftRow[] = [];
  const ignored: ResourceDriftRow[] = [];
  for (const row of rows) {
    if (UNCHECKED.has(row.status)) continue;
    const forResource = rules.filter((r) => ruleMatchesResource(r, target, row.logicalId));
    const whole = forResource.find((r) => r.property === undefined);
    if (whole) {
      used.add(whole);
      ignored.push({ ...row, ignoredBecause: whole.reason });
      continue;
    }
    const differences = row.differences.map((d) => {
      const rule = forResource.find((r) => ruleMatchesPath(r, d.path));
      if (!rule) return d;
      used.add(rule);
      return { ...d, ignoredBecause: rule.reason };
    });
    const allIgnored = differences.length > 0 && differences.every((d) => d.ignoredBecause !== undefined);
    if (allIgnored) {
      ignored.push({
        ...row,
        differences,
        ignoredBecause: [...new Set(differences.map((d) => d.ignoredBecause))].join('; '),
      });
    } else counted.push({ ...row, differences });
  }
  return { counted, ignored };
}

async function compareTemplate(
  target: DriftTarget,
  deps: DriftDeps,
  call: Call,
  errors: StackError[],
): Promise<TemplateDiff | null> {
  if (!target.localTemplate) return null;
  try {
    const localText = await target.localTemplate();
    if (localText === undefined) {
      errors.push({
        kind: 'template',
        message: `no local template for ${target.name}: run 'npm run generate' first`,
      });
      return null;
    }
    const out: GetTemplateCommandOutput = await call('GetTemplate', () =>
      deps.cloudformation.send(
        new GetTemplateCommand({ StackName: target.stackName, TemplateStage: 'Original' }),
      ),
    );
    if (!out.TemplateBody) throw new Error('GetTemplate returned no TemplateBody');
    const parse = deps.parseTemplate ?? parseJsonTemplate;
    let local: Record<string, unknown>;
    try {
      local = parse(localText);
    } catch (cause) {
      errors.push({
        kind: 'template',
        message: `local template of ${target.name} is not valid: ${describeError(cause)}`,
      });
      return null;
    }
    return diffTemplates(parse(out.TemplateBody), local);
  } catch (error) {
    errors.push({
      kind: isMissingStack(error) ? 'missing-stack' : 'api',
      message: `GetTemplate: ${apiErrorText(error)}`,
    });
    return null;
  }
}
