/**
 * The AWS adapters of the ports, one module per service under handlers/byodkim/aws/. Re-exported here for
 * tests; Lambda entries import the modules they need directly, so a bundle carries only its own SDK clients.
 */
export { NodeDnsLookup } from '../aws/dns.js';
export { DynamoStateStore } from '../aws/dynamodb.js';
export { KmsKeyVault } from '../aws/kms.js';
export { PowertoolsMetricsSink } from '../aws/metrics.js';
export { Route53Publisher } from '../aws/route53.js';
export { SesV2Port } from '../aws/sesv2.js';
export { SnsNotifier } from '../aws/sns.js';
