/** The stacks in launch order. A new stack slots in here and in STACK_IDS. */
import type { StackDefinition } from '../lib/template.js';
import { baseStack } from './base.js';
import { byodkimStack } from './byodkim.js';
import { enhancedKinesisStack } from './enhanced-kinesis.js';
import { monitoringStack } from './monitoring/index.js';
import { reportsStack } from './reports.js';
import { securityStack } from './security.js';
import { sesStack } from './ses.js';

export const STACKS: readonly StackDefinition[] = [
  baseStack,
  monitoringStack,
  enhancedKinesisStack,
  sesStack,
  securityStack,
  byodkimStack,
  reportsStack,
];
