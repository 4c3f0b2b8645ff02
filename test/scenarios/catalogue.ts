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
    domainSpike(150, 0.06),
    domainSpike(50, 0.2),
    domainSpike(1000, 0.01, 'complaint'),
  ];
}

/** Quiet domains: 150 sends per 5 minutes each, 0.2 % bounces, no complaints. */
const quietDomains = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    name: `quiet${i}.example.jp`,
    traffic: (): Traffic => ({ sendsPer5Min: 150, bounce: 0.002, complaint: 0 }),
  }));

/** Sum of the domains' traffic (what the account sees), for the scenario's own `traffic`. */
const accountOf =
  (domains: readonly { traffic: (m: number) => Traffic }[]) =>
  (m: number): Traffic => {
    const all = domains.map((d) => d.traffic(m));
    const sends = all.reduce((n, t) => n + t.sendsPer5Min, 0);
    const w = (k: 'bounce' | 'complaint') => all.reduce((n, t) => n + t.sendsPer5Min * t[k], 0) / sends;
    return { sendsPer5Min: sends, bounce: w('bounce'), complaint: w('complaint') };
  };

/**
 * Issue #14, item 4: one domain goes bad among quiet ones, so the account-wide rate stays low. `sendsPer5Min` of
 * the bad domain; `rate` of bounces (or complaints with `kind`).
 */
export function domainSpike(
  sendsPer5Min: number,
  rate: number,
  kind: 'bounce' | 'complaint' = 'bounce',
  quiet = 20,
): Scenario {
  const bad = {
    name: 'bad.example.jp',
    traffic: (m: number): Traffic => ({
      sendsPer5Min,
      bounce: kind === 'bounce' && m >= SPIKE_AT ? rate : 0.002,
      complaint: kind === 'complaint' && m >= SPIKE_AT ? rate : 0,
    }),
  };
  const domains = [bad, ...quietDomains(quiet)];
  return {
    id: `domain-${kind}-${rate * 100}pct-${sendsPer5Min}`,
    title: `one domain of ${quiet + 1} at ${rate * 100} % ${kind === 'bounce' ? 'bounces' : 'complaints'} (${sendsPer5Min} sends per 5 min; the others 150 at 0.2 % bounces)`,
    env: 'prod',
    minutes: SPIKE_AT + 60,
    traffic: accountOf(domains),
    domains,
    reputation: healthyReputation,
    incidentAt: SPIKE_AT + (kind === 'bounce' ? 1 : 10),
  };
}
