/**
 * The per-domain rotation state machine: a pure decision (rotation/decide.ts and the stage modules) and a
 * runner that performs one effect at a time, crash-consistently (rotation/runner.ts).
 *
 * IDLE -> KEY_REQUESTED -> KEY_GENERATED -> AWAITING_DNS -> DNS_PUBLISHED -> AWAITING_VERIFICATION
 *      -> AWAITING_OLD_REMOVAL -> IDLE (done)
 * AWAITING_VERIFICATION -(FAILED / timeout / record gone)-> ROLLING_BACK -> IDLE (or FAILED)
 */
export {
  type DomainOutcome,
  type EngineOptions,
  isTransient,
  type OutcomeKind,
  RotationEngine,
  TICK_RESERVE_MS,
} from './rotation/engine.js';
