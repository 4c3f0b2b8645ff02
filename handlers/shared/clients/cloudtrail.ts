/** CloudTrailClients of a handler: the function's region, and us-east-1 where IAM and console sign-in events are recorded. */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { clientConfig } from './config.js';

let regional: CloudTrailClient | undefined;
let global: CloudTrailClient | undefined;

export function cloudtrailClient(): CloudTrailClient {
  regional ??= new CloudTrailClient(clientConfig());
  return regional;
}

export function cloudtrailGlobalClient(): CloudTrailClient {
  global ??= new CloudTrailClient({ ...clientConfig(), region: 'us-east-1' });
  return global;
}
