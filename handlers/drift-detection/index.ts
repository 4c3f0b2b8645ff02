/**
 * `drift-detection` Lambda, run weekly by EventBridge Scheduler (any event payload): CloudFormation resource drift
 * detection for the stacks in STACK_NAMES, reports to S3 (REPORT_BUCKET, `drift-reports/`), summary to SNS
 * (TOPIC_P3_ARN in sync, TOPIC_P2_ARN on drift or error). A failure to store or publish is rethrown, so the
 * schedule's retry policy and Lambda's error metric take over. See docs/operations.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { loadDriftConfig } from '../../contracts/functions/drift-detection.js';
import { cloudformationClient } from '../shared/clients/cloudformation.js';
import { s3Client } from '../shared/clients/s3.js';
import { snsClient } from '../shared/clients/sns.js';
import { type DriftRunResult, runWeeklyDrift } from './service.js';

const logger = new Logger({ serviceName: 'ses-migration-drift-detection' });

/** Leaves a minute of the invocation for writing the reports and publishing. */
const RESERVE_MS = 60_000;

export async function handler(
  _event: unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<DriftRunResult> {
  const config = loadDriftConfig(process.env);
  const configured = config.timeoutSeconds * 1000;
  const remaining = context ? context.getRemainingTimeInMillis() - RESERVE_MS : configured;
  try {
    return await runWeeklyDrift(
      config,
      {
        cloudformation: cloudformationClient(),
        s3: s3Client(),
        sns: snsClient(),
        now: () => Date.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        log: (message, extra) => logger.info(message, extra ?? {}),
      },
      Math.max(30_000, Math.min(configured, remaining)),
    );
  } catch (error) {
    logger.error('drift run failed', { error: error as Error });
    throw error;
  }
}
