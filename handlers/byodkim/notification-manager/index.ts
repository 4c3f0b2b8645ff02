/**
 * ses-migration-<env>-notification-manager: turns the Lambda async-invocation failure records of the
 * BYODKIM functions (their OnFailure destination) into a Japanese P2 notice naming the function and its
 * log group. {"action":"test"} sends a P3 test message through the same path.
 * The rotation's own notices are published in-process by the orchestrator (same builders, same topics).
 */
import { METRICS } from '../../../contracts/metrics.js';
import { functionName } from '../core/config.js';
import { describeError } from '../core/errors.js';
import { functionFailed } from '../core/notifications.js';
import { createNotificationRuntime, type NotificationRuntime } from './wiring.js';

interface DestinationRecord {
  requestContext?: { functionArn?: string; condition?: string; approximateInvokeCount?: number };
  responsePayload?: { errorType?: string; errorMessage?: string };
}

let runtime: NotificationRuntime | undefined;

export async function handler(event: unknown) {
  runtime ??= createNotificationRuntime();
  const { ports, config } = runtime;
  const status = functionName(config, 'dkim-rotation-orchestrator');
  try {
    const e = (event ?? {}) as DestinationRecord & { action?: string };
    if (e.action === 'test') {
      await ports.notifier.publish({
        kind: 'test',
        severity: 'P3',
        subject: `[P3][${config.environment}] BYODKIM通知テスト`,
        body: `BYODKIM通知経路のテストです（${config.environment}）。対応は不要です。`,
      });
      ports.metrics.put({
        name: METRICS.dkimNotificationSent.name,
        unit: METRICS.dkimNotificationSent.unit,
        value: 1,
      });
      return { sent: 'test' };
    }
    const arn = e.requestContext?.functionArn;
    if (!arn) {
      throw new Error(
        `unsupported event: expected a Lambda destination record with requestContext.functionArn, or {"action":"test"}`,
      );
    }
    // arn:aws:lambda:region:account:function:name[:qualifier]
    const failed = arn.split(':')[6] ?? arn;
    await ports.notifier.publish(
      functionFailed(
        config.environment,
        failed,
        e.responsePayload?.errorType ?? e.requestContext?.condition ?? 'Error',
        (e.responsePayload?.errorMessage ?? '').slice(0, 1000),
        status,
      ),
    );
    ports.metrics.put({
      name: METRICS.dkimNotificationSent.name,
      unit: METRICS.dkimNotificationSent.unit,
      value: 1,
    });
    return { sent: 'function-failed', function: failed };
  } catch (err) {
    const e = describeError(err);
    ports.log.error('notification failed', { errorName: e.name, errorMessage: e.message });
    throw err;
  } finally {
    ports.metrics.flush();
  }
}
