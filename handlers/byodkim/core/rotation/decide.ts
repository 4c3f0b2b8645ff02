/** `decide(state, observation)`: reconciliation first, then the stage's table entry. Pure. */
import type { DomainState, Stage } from '../types.js';
import { decideAwaitingVerification, decideOldRemoval, decideRollingBack } from './after-switch.js';
import {
  decideAwaitingDns,
  decideDnsPublished,
  decideIdle,
  decideKeyGenerated,
  decideKeyRequested,
} from './before-switch.js';
import { type DecideEnv, type Decision, type Observation, reconcile } from './decision.js';

type StageDecider = (s: DomainState, o: Observation, e: DecideEnv) => Decision;

/** One entry per stage (docs/byodkim.md, "State machine"). */
export const STAGE_TABLE: Readonly<Record<Stage, StageDecider>> = {
  IDLE: decideIdle,
  KEY_REQUESTED: decideKeyRequested,
  KEY_GENERATED: decideKeyGenerated,
  AWAITING_DNS: decideAwaitingDns,
  DNS_PUBLISHED: decideDnsPublished,
  AWAITING_VERIFICATION: decideAwaitingVerification,
  ROLLING_BACK: decideRollingBack,
  AWAITING_OLD_REMOVAL: decideOldRemoval,
  FAILED: () => ({ kind: 'wait', why: 'FAILED: waiting for an operator (abort or rotate)' }),
};

export function decide(s: DomainState, o: Observation, e: DecideEnv): Decision {
  return reconcile(s, o) ?? STAGE_TABLE[s.stage](s, o, e);
}
