/** The scenarios on-call cares about (issue #10), for the tests and the bench table. */
import type { Scenario, Traffic } from './model.js';

/** Normal day: 1 % bounces, 0.01 % complaints, every send otherwise delivered. */
const normal = (sendsPer5Min: number): Traffic => ({ sendsPer5Min, bounce: 0.01, complaint: 0.0001 });
/** AWS's reputation rates as AWS would show them on a healthy account (they move over days, not minutes). */
const healthyReputation = () => ({ bounce: 0.01, complaint: 0.0001 });

export const SPIKE_AT = 60;
export const VOLUMES = [100, 1_000, 10_000] as const;

export function quietNight(env: 'prod' | 'dev'): Scenario {
  return {
    id: `quiet-night-${env}`,
    title: `quiet night (${env}): 2 sends per 5 min from 00:00 to 06:00 JST, one bounce at 03:00`,
    env,
    minutes: 360,
    traffic: () => ({ sendsPer5Min: 2, bounce: 0, complaint: 0 }),
    events: [{ minute: 180, outcome: 'Bounce' }],
    reputation: healthyReputation,
  };
}

export function bounceSpike(volume: number, rate: number): Scenario {
  return {
    id: `bounce-${rate * 100}pct-${volume}`,
    title: `sustained ${rate * 100} % bounces at ${volume} sends per 5 min`,
    env: 'prod',
    minutes: SPIKE_AT + 60,
    traffic: (m) => (m < SPIKE_AT ? normal(volume) : { ...normal(volume), bounce: rate }),
    reputation: healthyReputation,
    incidentAt: SPIKE_AT + 1,
  };
}

export function complaintSpike(volume: number, rate = 0.01): Scenario {
  return {
    id: `complaint-${rate * 100}pct-${volume}`,
    title: `sustained ${rate * 100} % complaints at ${volume} sends per 5 min`,
    env: 'prod',
    minutes: SPIKE_AT + 60,
    traffic: (m) => (m < SPIKE_AT ? normal(volume) : { ...normal(volume), complaint: rate }),
    reputation: healthyReputation,
    incidentAt: SPIKE_AT + 10,
  };
}

export function sendSuccessDrop(volume = 1_000, undelivered = 0.1): Scenario {
  return {
    id: `send-success-drop-${volume}`,
    title: `${undelivered * 100} % of ${volume} sends per 5 min neither delivered nor bounced (send success ${100 - 100 * (0.01 + undelivered)} %)`,
    env: 'prod',
    minutes: SPIKE_AT + 60,
    traffic: (m) => (m < SPIKE_AT ? normal(volume) : { ...normal(volume), undelivered }),
    reputation: healthyReputation,
    incidentAt: SPIKE_AT + 1,
  };
}

export function pipelineStops(): Scenario {
  return {
    id: 'metrics-pipeline-stops',
    title: 'the metrics function stops at minute 60 (1,000 sends per 5 min continue)',
    env: 'prod',
    minutes: SPIKE_AT + 60,
    traffic: () => normal(1_000),
    reputation: healthyReputation,
    pipelineStopsAt: SPIKE_AT,
    incidentAt: SPIKE_AT,
  };
}

export function zeroTrafficDay(): Scenario {
  return {
    id: 'zero-traffic-dev',
    title: 'dev, no mail at all for 24 hours',
    env: 'dev',
    minutes: 24 * 60,
    traffic: () => ({ sendsPer5Min: 0, bounce: 0, complaint: 0 }),
    reputation: () => ({ bounce: 0, complaint: 0 }),
  };
}

/** Every scenario of the bench table. */
export function allScenarios(): Scenario[] {
  return [
    quietNight('prod'),
    quietNight('dev'),
    ...VOLUMES.flatMap((v) => [bounceSpike(v, 0.06), bounceSpike(v, 0.1)]),
    ...VOLUMES.map((v) => complaintSpike(v)),
    complaintSpike(100, 0.005),
    sendSuccessDrop(),
    pipelineStops(),
    zeroTrafficDay(),
  ];
}
