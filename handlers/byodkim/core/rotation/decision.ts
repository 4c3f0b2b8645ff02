/**
 * The pure half of the rotation: `decide(state, observation) -> decision`. A decision names at most one
 * external effect and the state to store after it; the runner (runner.ts) persists the intent, performs the
 * effect, then persists the result. Nothing here performs I/O or mutates its input.
 *
 * Stage logic: before-switch.ts (IDLE .. DNS_PUBLISHED, abort) and after-switch.ts (AWAITING_VERIFICATION,
 * ROLLING_BACK, AWAITING_OLD_REMOVAL). Reconciliation with what SES reports runs first, for every stage.
 */
import { METRICS, type MetricKey } from '../../../../contracts/metrics.js';
import type { Timings } from '../config.js';
import { dkimTxtRecord, type LookupResult } from '../dkim.js';
import type { Ctx } from '../notifications.js';
import type { DkimStatus, MetricPoint, MetricUnitName, Notification } from '../ports.js';
import type { DomainConfig, DomainState, KeyRecord, Stage, TxtRecord } from '../types.js';
import { DAY_MS, effectiveSpreadDays, noticeSafeSpreadDate } from './spread.js';

/** What the runner saw before deciding: SES's answer and, per selector, what DNS resolves. */
export interface Observation {
  readonly now: Date;
  readonly ses: DkimStatus;
  readonly dns: ReadonlyMap<string, LookupResult>;
}

export interface DecideEnv {
  readonly cfg: DomainConfig;
  readonly t: Timings;
  /** Context of the notices (environment, function names). */
  readonly notice: Ctx;
}

export type Effect =
  | { readonly kind: 'generateKey'; readonly selector: string }
  | {
      readonly kind: 'upsertTxt';
      readonly zone: string;
      readonly record: TxtRecord;
      readonly selector: string;
    }
  | {
      readonly kind: 'deleteTxt';
      readonly zone: string;
      readonly record: TxtRecord;
      readonly selector: string;
    }
  | { readonly kind: 'signWith'; readonly key: KeyRecord }
  | { readonly kind: 'easyDkim' }
  | { readonly kind: 'notify'; readonly notification: Notification };

export type Decision =
  /** Nothing to do now; the stored state stays as it is. */
  | { readonly kind: 'wait'; readonly why: string; readonly metrics?: readonly MetricPoint[] }
  /** The state cannot go on; recorded as a failure of the stage. */
  | { readonly kind: 'fail'; readonly error: Error }
  | {
      readonly kind: 'step';
      readonly why: string;
      /** State to persist before the effect (the intent is added by the runner). */
      readonly before?: DomainState;
      readonly effect?: Effect;
      /** State to persist once the effect succeeded (`key`: the generated key of a generateKey effect). */
      readonly after: (key?: KeyRecord) => DomainState;
      readonly metrics?: readonly MetricPoint[];
    };

/** Catalogue keys of the metrics the rotation publishes (all in the `byodkim` namespace). */
export type ByodkimMetricKey = Extract<
  MetricKey,
  | 'byodkimKeyRotation'
  | 'rotationFailed'
  | 'dkimNotificationSent'
  | 'byodkimKeyGenerationStatus'
  | 'dnsRequestAgeHours'
  | 'dnsPropagationHours'
  | 'byodkimPendingHours'
  | 'oldRecordAgeDays'
  | 'dnsPendingRecordMismatch'
>;

export const PRE_SWITCH: ReadonlySet<Stage> = new Set([
  'KEY_REQUESTED',
  'KEY_GENERATED',
  'AWAITING_DNS',
  'DNS_PUBLISHED',
]);
export const POST_SWITCH: ReadonlySet<Stage> = new Set([
  'AWAITING_VERIFICATION',
  'ROLLING_BACK',
  'AWAITING_OLD_REMOVAL',
]);

export function clone(s: DomainState): DomainState {
  return structuredClone(s);
}

/** A copy of `s` changed by `f` (the only way decisions build states). */
export function edit(s: DomainState, f: (n: DomainState) => void): DomainState {
  const n = clone(s);
  f(n);
  return n;
}

/** A copy of `s` with some fields replaced. */
export function patch(s: DomainState, fields: Partial<DomainState>): DomainState {
  return { ...clone(s), ...structuredClone(fields) };
}

/** A per-domain point of a BYODKIM metric of the catalogue (contracts/metrics.ts): name and unit from there. */
export function metric(key: ByodkimMetricKey, value: number, domain: string): MetricPoint {
  const d = METRICS[key];
  return { name: d.name, unit: d.unit as MetricUnitName, value, domain };
}

/** The selector SES signs with (EXTERNAL origin only). */
export function signingSelector(ses: DkimStatus): string | undefined {
  return ses.origin === 'EXTERNAL' ? ses.selectors[0] : undefined;
}

export function dnsOf(o: Observation, key: KeyRecord | undefined): LookupResult {
  return (key && o.dns.get(key.selector)) ?? { kind: 'NOT_FOUND' };
}

/**
 * Route 53 DELETE of a key's record: the selector is retired *before* the call (SES is never returned to it),
 * and recorded as deleted after. `what` names the record in the step's reason.
 */
export function deleteRecordStep(s: DomainState, zone: string, key: KeyRecord, what: string): Decision {
  const record = dkimTxtRecord(key.selector, s.domain, key.publicKey);
  return {
    kind: 'step',
    why: `Route 53 DELETE ${what}${record.name}`,
    before: patch(s, { retired: addBounded(s.retired, key.selector) }),
    effect: { kind: 'deleteTxt', zone, record, selector: key.selector },
    after: () =>
      edit(s, (n) => {
        n.retired = addBounded(n.retired, key.selector);
        n.deleted = addBounded(n.deleted, key.selector);
      }),
  };
}

export function addBounded(list: readonly string[] | undefined, v: string, max = 20): string[] {
  const l = (list ?? []).filter((x) => x !== v);
  l.push(v);
  return l.slice(-max);
}

/** A notice sent once per rotation: `key` is added to `sent` with the result. */
export function notifyOnce(
  s: DomainState,
  key: string,
  notification: Notification,
  why: string,
  extra?: (n: DomainState) => void,
): Decision {
  return {
    kind: 'step',
    why,
    effect: { kind: 'notify', notification },
    after: () =>
      edit(s, (n) => {
        n.sent = [...n.sent, key];
        extra?.(n);
      }),
  };
}

/** Keys whose records the runner must resolve before deciding in `state`'s stage. */
export function keysToObserve(s: DomainState): KeyRecord[] {
  const keys: Array<KeyRecord | undefined> =
    s.stage === 'AWAITING_DNS' || s.stage === 'DNS_PUBLISHED'
      ? [s.pending]
      : POST_SWITCH.has(s.stage)
        ? [s.current, s.previous]
        : [];
  return keys.filter((k): k is KeyRecord => k !== undefined);
}

/** The state after SES switched to the pending key (by our call, or observed after a lost response). */
export function switched(s: DomainState, at: string): DomainState {
  return edit(s, (n) => {
    n.previous = s.current;
    n.current = s.pending;
    n.pending = undefined;
    n.switchedAt = at;
    n.stage = 'AWAITING_VERIFICATION';
  });
}

/**
 * Reconciles the stored state with SES before any stage logic: when SES already signs with the pending
 * key (the switch succeeded but its result was never stored: a lost response, a failed state write, a
 * killed run), the state becomes the switched one. Every later decision then sees the truth (defect 3).
 */
export function reconcile(s: DomainState, o: Observation): Decision | undefined {
  if (PRE_SWITCH.has(s.stage) && s.pending && signingSelector(o.ses) === s.pending.selector) {
    const at = s.intent?.effect === 'signWith' ? s.intent.at : o.now.toISOString();
    return {
      kind: 'step',
      why: `SES already signs with the pending selector ${s.pending.selector}: the switch happened`,
      after: () => switched(s, at),
    };
  }
  return undefined;
}

/** Age metrics of the stage (0 when not applicable, so each series stays continuous). */
export function ageMetrics(s: DomainState, cfg: DomainConfig, now: Date): MetricPoint[] {
  const hours = (from?: string) => (from ? (now.getTime() - Date.parse(from)) / 3_600_000 : 0);
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const waitingDns = s.stage === 'AWAITING_DNS' ? hours(s.dnsRequestedAt) : 0;
  const pending = s.stage === 'AWAITING_VERIFICATION' ? hours(s.switchedAt) : 0;
  const oldAge = s.stage === 'AWAITING_OLD_REMOVAL' ? hours(s.switchedAt) / 24 : 0;
  return [
    metric('dnsRequestAgeHours', r2(cfg.hostedZoneId ? 0 : waitingDns), s.domain),
    metric('dnsPropagationHours', r2(cfg.hostedZoneId ? waitingDns : 0), s.domain),
    metric('byodkimPendingHours', r2(pending), s.domain),
    metric('oldRecordAgeDays', r2(oldAge), s.domain),
  ];
}

/** What the due date of a scheduled rotation depends on besides the state: the tick's time and the notice. */
export interface DueAtContext {
  /** The tick's clock (the notice for an unannounced date can go out at this tick at the earliest). */
  readonly now: Date;
  /** Advance notice before a scheduled rotation (timings.noticeDays, 30 by default). */
  readonly noticeDays: number;
}

/**
 * When the next rotation is due. A retry (after a failure or abort) and a date set without a kind (set by
 * hand, or by an older version) are taken as stored; a scheduled date follows the configured interval from
 * the switch, so a lowered `rotationIntervalDays` applies at once (defect 12), moved to the domain's day of
 * its spread window (spread.ts) unless a date of this key's cycle was already announced.
 *
 * With the spread, a date not yet announced is never earlier than the hourly tick that can send its notice
 * (the hour `now` falls in) + noticeDays: where the spread date is nearer (the spread first deployed or
 * changed, a tick missed), the date moves to the domain's next day of the window after that (spread.ts
 * `noticeSafeSpreadDate`), so the operators always get the full notice and the per-day bound still holds. The
 * notice wins over the key-lifetime bound: such a key lives up to one window longer than the interval.
 * Deterministic: the same state, config and `now` give the same date.
 */
export function dueAt(s: DomainState, cfg: DomainConfig, at: DueAtContext): Date {
  if (s.nextRotationKind !== 'schedule' && s.nextRotationAt) return new Date(s.nextRotationAt);
  if (!s.current) return new Date(0); // onboarding: due at once
  const since = s.switchedAt ?? s.current.createdAt;
  const base = Date.parse(since) + cfg.rotationIntervalDays * DAY_MS;
  const window = effectiveSpreadDays(cfg);
  if (window === 0) return new Date(base);
  // A date already announced (the notice was sent) for this key's cycle is kept: a domain announced before the
  // spread was configured (or changed), or whose date the notice moved past the interval, rotates on the
  // announced date, never suddenly earlier or later. An announcement of an earlier cycle lies before the window.
  const announced = s.noticeSentFor ? Date.parse(s.noticeSentFor) : Number.NaN;
  if (announced > base - window * DAY_MS) return new Date(announced);
  return new Date(noticeSafeSpreadDate(base, window, s.domain, at.now.getTime(), at.noticeDays));
}
