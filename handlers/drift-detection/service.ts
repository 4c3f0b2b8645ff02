/**
 * One weekly drift run: resource drift detection only (the function holds no templates), the JSON and Markdown
 * reports to S3 under `drift-reports/`, and a Japanese summary to the P3 topic (P2 when drift or errors).
 * The drift engine is lib/drift/engine.ts (the CLI runs the same); here only the effects are wired.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { DriftFunctionConfig } from '../../contracts/functions/drift-detection.js';
import { type CloudFormationSender, type DriftReport, exitCodeOf, runDrift } from '../../lib/drift/engine.js';
import { renderJson, renderMarkdown } from '../../lib/drift/report.js';
import { summarize } from './summary.js';

export interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: SDK commands of several shapes.
  send(command: any): Promise<any>;
}

export interface DriftFunctionDeps {
  readonly cloudformation: CloudFormationSender;
  readonly s3: Sender;
  readonly sns: Sender;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (message: string, extra?: Record<string, unknown>) => void;
}

export interface DriftRunResult {
  readonly severity: 'P2' | 'P3';
  readonly exitCode: ReturnType<typeof exitCodeOf>;
  readonly summary: DriftReport['summary'];
  readonly markdownKey: string;
  readonly jsonKey: string;
}

/** Runs drift detection over the configured stacks, stores the reports and publishes the summary. */
export async function runWeeklyDrift(
  config: DriftFunctionConfig,
  deps: DriftFunctionDeps,
  timeoutMs = config.timeoutSeconds * 1000,
): Promise<DriftRunResult> {
  const report = await runDrift(
    config.stackNames.map((stackName) => ({ name: stackName, stackName })),
    { env: config.environment, region: config.region },
    { cloudformation: deps.cloudformation, now: deps.now, sleep: deps.sleep, progress: (l) => deps.log(l) },
    // A detection still running when the invocation must stop waiting is DEFERRED, never an error or in sync.
    // Stacks queued behind the concurrency limit share the same end: the invocation's.
    { timeoutMs, concurrency: 8, deferOnTimeout: true, deadlineAt: deps.now() + timeoutMs },
  );
  const exitCode = exitCodeOf(report);
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const prefix = `drift-reports/${config.environment}/${report.startedAt.slice(0, 10)}/${stamp}`;
  const markdownKey = `${prefix}.md`;
  const jsonKey = `${prefix}.json`;
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.reportBucket,
      Key: jsonKey,
      Body: renderJson(report, exitCode),
      ContentType: 'application/json',
    }),
  );
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: config.reportBucket,
      Key: markdownKey,
      Body: renderMarkdown(report),
      ContentType: 'text/markdown; charset=utf-8',
    }),
  );
  const message = summarize(report, config.environment, {
    bucket: config.reportBucket,
    markdownKey,
    jsonKey,
  });
  await deps.sns.send(
    new PublishCommand({
      TopicArn: message.severity === 'P2' ? config.topicP2Arn : config.topicP3Arn,
      Subject: message.subject,
      Message: message.body,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: message.severity },
        source: { DataType: 'String', StringValue: 'drift-detection' },
      },
    }),
  );
  deps.log('drift run finished', { severity: message.severity, exitCode, ...report.summary, markdownKey });
  return { severity: message.severity, exitCode, summary: report.summary, markdownKey, jsonKey };
}
