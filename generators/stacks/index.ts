/** The stacks in launch order. A new stack slots in here and in STACK_IDS. */

import type { EnvConfig } from '../config/schema.js';
import type { StackDefinition } from '../lib/template.js';
import { baseStack } from './base.js';
import { byodkimStack } from './byodkim.js';
import { enhancedKinesisStack } from './enhanced-kinesis.js';
import { monitoringStack } from './monitoring/index.js';
import { reportsStack } from './reports.js';
import { securityStack } from './security.js';
import { identityShardStack, sesStack } from './ses.js';

export const STACKS: readonly StackDefinition[] = [
  baseStack,
  monitoringStack,
  enhancedKinesisStack,
  sesStack,
  securityStack,
  byodkimStack,
  reportsStack,
];

/**
 * The stacks of one environment: STACKS, with the identity shard stacks after `ses` when
 * `ses.identityStacks` > 1; a stack launched after `ses` (it needs the identities) is then after them too.
 */
export function stacksFor(cfg: Pick<EnvConfig, 'ses'>): readonly StackDefinition[] {
  const n = cfg.ses.identityStacks;
  if (n <= 1) return STACKS;
  const shards = Array.from({ length: n - 1 }, (_, i) => identityShardStack(i + 1));
  const ids = shards.map((s) => s.id);
  return STACKS.flatMap((def) =>
    def.id === 'ses'
      ? [def, ...shards]
      : def.after?.includes('ses')
        ? [{ ...def, after: [...def.after, ...ids] }]
        : [def],
  );
}
