/** The one CostExplorerClient of a handler; Cost Explorer has a single endpoint, in us-east-1. */
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { clientConfig } from './config.js';

let client: CostExplorerClient | undefined;

export function costExplorerClient(): CostExplorerClient {
  client ??= new CostExplorerClient({ ...clientConfig(), region: 'us-east-1' });
  return client;
}
