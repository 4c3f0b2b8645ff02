/**
 * ses-migration-<env>-validation-monitor: per-domain SES DKIM status, active selector, DNS consistency and
 * the KMS key state, published as metrics (seed 2.1.5, corrected). Payload: {"action":"check"} (schedule).
 */
import { checkAll } from '../core/monitor.js';
import { createMonitorRuntime, type MonitorRuntime } from './wiring.js';

let runtime: MonitorRuntime | undefined;

export async function handler(_event: unknown) {
  runtime ??= await createMonitorRuntime();
  const { ports, config } = runtime;
  try {
    const report = await checkAll(ports, config.domains);
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
