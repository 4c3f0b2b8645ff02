/** Wires the AWS ports for a Lambda function from its environment. */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  KmsKeyVault,
  NodeDnsLookup,
  PowertoolsMetricsSink,
  Route53Publisher,
  SesV2Port,
  SnsNotifier,
} from './aws.js';
import { type ByodkimConfig, type FunctionKey, functionName, loadConfig } from './config.js';
import { RotationEngine } from './engine.js';
import type { Log, Ports } from './ports.js';
import { DynamoStateStore } from './state-store.js';

export interface Runtime {
  readonly config: ByodkimConfig;
  readonly ports: Ports;
  readonly engine: RotationEngine;
  readonly logger: Logger;
}

/** Builds config, ports and engine for one function; created once per Lambda environment. */
export function createRuntime(
  fn: FunctionKey,
  env: Record<string, string | undefined> = process.env,
): Runtime {
  const config = loadConfig(env);
  const logger = new Logger({ serviceName: `byodkim-${fn}` });
  const log: Log = {
    info: (m, e) => logger.info(m, e ?? {}),
    warn: (m, e) => logger.warn(m, e ?? {}),
    error: (m, e) => logger.error(m, e ?? {}),
  };
  const ports: Ports = {
    store: new DynamoStateStore(config.stateTable),
    vault: new KmsKeyVault(config.kmsKeyId),
    ses: new SesV2Port(),
    dns: new NodeDnsLookup(),
    dnsPublisher: new Route53Publisher(),
    notifier: new SnsNotifier(config.topics),
    metrics: new PowertoolsMetricsSink(config.metricsNamespace, `byodkim-${fn}`),
    clock: { now: () => new Date() },
    log,
  };
  const engine = new RotationEngine({
    config,
    ports,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? functionName(config, fn),
    orchestratorName: functionName(config, 'dkim-rotation-orchestrator'),
  });
  return { config, ports, engine, logger };
}
