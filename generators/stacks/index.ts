/** The stacks in launch order. A new stack slots in here and in STACK_IDS. */
import type { StackDefinition } from '../lib/template.js';
import { baseStack } from './base.js';
import { monitoringStack } from './monitoring.js';

export const STACKS: readonly StackDefinition[] = [baseStack, monitoringStack];
