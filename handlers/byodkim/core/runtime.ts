/**
 * Wiring of the three functions that run the rotation engine (orchestrator, key generator, SES config
 * updater): every port, because the engine's steps, failure notices and rollbacks reach all of them.
 * The notification manager and the validation monitor wire only what they use (their own wiring.ts).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { NodeDnsLookup } from '../aws/dns.js';
import { DynamoStateStore } from '../aws/dynamodb.js';
import { KmsKeyVault } from '../aws/kms.js';
import { powertoolsLog } from '../aws/log.js';
import { PowertoolsMetricsSink } from '../aws/metrics.js';
import { Route53Publisher } from '../aws/route53.js';
import { readConfigObject } from '../aws/s3.js';
import { SesMailer } from '../aws/sesmail.js';
import { SesV2Port } from '../aws/sesv2.js';
import { SnsNotifier } from '../aws/sns.js';
import {
  type ByodkimConfig,
  type FunctionKey,
  functionName,
  loadDomainConfig,
  type ReadConfigObject,
} from './config.js';
import { DnsTeamNotifier } from './dns-team.js';
import { RotationEngine } from './engine.js';
import { createBuckets, pacePorts } from './pacing.js';
import type { Ports } from './ports.js';

export interface Runtime {
  readonly config: ByodkimConfig;
  readonly ports: Ports;
  readonly engine: RotationEngine;
  readonly logger: Logger;
}

/**
 * Builds config, ports and engine for one function; created once per Lambda environment (the domain list object
 * is read here, once per cold start). A failure leaves nothing cached: the next invocation tries again.
 */
export async function createRuntime(
  fn: FunctionKey,
  env: Record<string, string | undefined> = process.env,
  readObject: ReadConfigObject = readConfigObject,
): Promise<Runtime> {
  const config = await loadDomainConfig(env, readObject);
  const { logger, log } = powertoolsLog(`byodkim-${fn}`);
  const buckets = createBuckets();
  // DNS-team notices by mail where a domain has a dnsTeam (paced at the SES sending rate), the rest on SNS.
  const teams = new Map(config.domains.flatMap((d) => (d.dnsTeam ? [[d.domain, d.dnsTeam] as const] : [])));
  const mail = config.dnsSender ? new SesMailer(config.dnsSender) : undefined;
  const notifier = new DnsTeamNotifier(
    new SnsNotifier(config.topics),
    mail && {
      send: async (to, subject, body) => {
        await buckets.sesSend.take();
        await mail.send(to, subject, body);
      },
    },
    teams,
  );
  // Every AWS call paced to its API's rate (contracts/limits.ts API_RATE_LIMITS), per Lambda environment.
  const ports: Ports = pacePorts(
    {
      store: new DynamoStateStore(config.stateTable),
      vault: new KmsKeyVault(config.kmsKeyId),
      ses: new SesV2Port(),
      dns: new NodeDnsLookup(),
      dnsPublisher: new Route53Publisher(),
      notifier,
      metrics: new PowertoolsMetricsSink(config.metricsNamespace, `byodkim-${fn}`),
      clock: { now: () => new Date() },
      log,
    },
    buckets,
  );
  const engine = new RotationEngine({
    config,
    ports,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? functionName(config, fn),
    orchestratorName: functionName(config, 'dkim-rotation-orchestrator'),
    timings: config.timings,
  });
  return { config, ports, engine, logger };
}
