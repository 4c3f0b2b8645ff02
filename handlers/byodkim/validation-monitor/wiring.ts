/**
 * The validation monitor's ports: SES v2 (DKIM status), KMS (key state), DynamoDB (rotation state), DNS,
 * EMF metrics and logs. It publishes nothing to SNS (alarms watch its metrics) and writes no DNS.
 */
import { NodeDnsLookup } from '../aws/dns.js';
import { DynamoStateStore } from '../aws/dynamodb.js';
import { KmsKeyVault } from '../aws/kms.js';
import { powertoolsLog } from '../aws/log.js';
import { PowertoolsMetricsSink } from '../aws/metrics.js';
import { readConfigObject } from '../aws/s3.js';
import { SesV2Port } from '../aws/sesv2.js';
import { type ByodkimConfig, loadDomainConfig, type ReadConfigObject } from '../core/config.js';
import { createBuckets } from '../core/pacing.js';
import type { Ports } from '../core/ports.js';

export interface MonitorRuntime {
  readonly config: ByodkimConfig;
  readonly ports: Pick<Ports, 'ses' | 'dns' | 'vault' | 'store' | 'metrics' | 'log'>;
}

/** Once per cold start (reads the domain list object); a failure caches nothing. */
export async function createMonitorRuntime(
  env: Record<string, string | undefined> = process.env,
  readObject: ReadConfigObject = readConfigObject,
): Promise<MonitorRuntime> {
  const config = await loadDomainConfig(env, readObject);
  const { log } = powertoolsLog('byodkim-validation-monitor');
  // SES paced like the rotation functions (one request a second: contracts/limits.ts API_RATE_LIMITS.sesApi).
  const buckets = createBuckets();
  const ses = new SesV2Port();
  return {
    config,
    ports: {
      ses: {
        getDkim: async (d: string) => {
          await buckets.sesApi.take();
          return ses.getDkim(d);
        },
        putExternal: () => Promise.reject(new Error('the validation monitor never changes SES')),
        putEasyDkim: () => Promise.reject(new Error('the validation monitor never changes SES')),
      },
      dns: new NodeDnsLookup(),
      vault: new KmsKeyVault(config.kmsKeyId),
      store: new DynamoStateStore(config.stateTable),
      metrics: new PowertoolsMetricsSink(config.metricsNamespace, 'byodkim-validation-monitor'),
      log,
    },
  };
}
