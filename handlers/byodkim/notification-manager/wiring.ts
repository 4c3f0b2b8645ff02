/** The notification manager's ports: SNS (notifier), EMF metrics and logs. No engine, no other AWS client. */
import { powertoolsLog } from '../aws/log.js';
import { PowertoolsMetricsSink } from '../aws/metrics.js';
import { SnsNotifier } from '../aws/sns.js';
import { type ByodkimConfig, loadSettings } from '../core/config.js';
import type { Ports } from '../core/ports.js';

export interface NotificationRuntime {
  /** No domain list: the notification manager handles none (its environment carries none). */
  readonly config: Omit<ByodkimConfig, 'domains'>;
  readonly ports: Pick<Ports, 'notifier' | 'metrics' | 'log'>;
}

export function createNotificationRuntime(
  env: Record<string, string | undefined> = process.env,
): NotificationRuntime {
  const config = loadSettings(env);
  const { log } = powertoolsLog('byodkim-notification-manager');
  return {
    config,
    ports: {
      notifier: new SnsNotifier(config.topics),
      metrics: new PowertoolsMetricsSink(config.metricsNamespace, 'byodkim-notification-manager'),
      log,
    },
  };
}
