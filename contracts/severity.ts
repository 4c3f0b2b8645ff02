/**
 * Severities and their routing (seed 3.3.2): the one definition generators, handlers and scripts import.
 * Alarms publish to the alarm topic of their severity; the notifier forwards to the delivery topic of the same
 * severity; a P1 still in ALARM climbs the escalation levels. Plain TypeScript: handlers bundle it.
 */

export const SEVERITIES = ['P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The Japanese label of each severity, in subjects, bodies and alarm descriptions. */
export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { P1: '緊急', P2: '重要', P3: '情報' };

/** Escalation levels of a P1 (seed 1.3: 担当者, リーダー, マネージャー). */
export const ESCALATION_LEVELS = [1, 2, 3] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** Who receives the first notice of each severity besides its own list (seed 3.3.2 × 5.4.2). */
export const FIRST_NOTICE_LEVEL: Readonly<Record<Severity, EscalationLevel>> = { P1: 3, P2: 1, P3: 1 };

/** Display order of severities; alarms whose severity cannot be read sort last. */
export const SEVERITY_ORDER: readonly string[] = [...SEVERITIES, 'unknown'];

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/** Who gets what: the default severity of each kind of signal the product raises itself. */
export const ROUTING = {
  /** Errors of a Lambda function, unless the function declares a higher severity. */
  lambdaErrors: 'P3',
  /** Throttles of a Lambda function. */
  lambdaThrottles: 'P3',
  /** The weekly drift summary when every stack is in sync. */
  driftInSync: 'P3',
  /** The weekly drift summary when a stack drifted or could not be checked. */
  driftFound: 'P2',
} as const satisfies Record<string, Severity>;
