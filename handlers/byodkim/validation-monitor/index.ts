/**
 * ses-migration-<env>-validation-monitor: per-domain SES DKIM status, active selector, DNS consistency and
 * the KMS key state, published as metrics (seed 2.1.5, corrected). Payload: {"action":"check"} (schedule).
 */
import { checkAll, monitorSlice } from '../core/monitor.js';
import { createMonitorRuntime, type MonitorRuntime } from './wiring.js';

let runtime: MonitorRuntime | undefined;

/** The check leaves this much of the Lambda's time unused. */
const MARGIN_MS = 15_000;

export async function handler(_event: unknown, context?: { getRemainingTimeInMillis?: () => number }) {
  runtime ??= await createMonitorRuntime();
  const { ports, config } = runtime;
  try {
    const remaining = context?.getRemainingTimeInMillis?.();
    const report = await checkAll(ports, monitorSlice(config.domains, Date.now()), {
      ...(remaining === undefined ? {} : { deadlineMs: Date.now() + remaining - MARGIN_MS }),
    });
    for (const d of report.domains) {
      ports.log.info('BYODKIM status', {
        domain: d.domain,
        verification_status: d.status,
        selector: d.selector,
        dns_consistent: d.dnsConsistent,
        stage: d.stage,
      });
    }
    return report;
  } finally {
    ports.metrics.flush();
  }
}
