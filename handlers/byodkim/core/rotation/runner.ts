/**
 * The acting half of the rotation: takes the domain's lock, observes SES and DNS, asks `decide` what to do,
 * and performs it crash-consistently:
 *
 *   1. persist the decision's `before` state with an `intent` (what is about to happen),
 *   2. perform the one external effect,
 *   3. persist the decision's `after` state (intent cleared).
 *
 * A failure anywhere records the error on the LAST PERSISTED state (never on a half-changed copy), and the
 * next run observes SES and DNS again before deciding, so a lost response, a failed write or a killed run
 * all lead to the same next decision (docs/byodkim.md, "Crash consistency").
 */
import type { ByodkimConfig, Timings } from '../config.js';
import { compareTxt, dkimTxtRecord, route53Value } from '../dkim.js';
import { describeError, KeyGenerationError } from '../errors.js';
import { type Ctx, notices } from '../notifications.js';
import type { DkimStatus, Ports } from '../ports.js';
import type { DomainConfig, DomainState, KeyRecord, Stage } from '../types.js';
import { decide } from './decide.js';
import {
  ageMetrics,
  clone,
  type DecideEnv,
  type Effect,
  edit,
  keysToObserve,
  metric,
  type Observation,
  reconcile,
} from './decision.js';

export type OutcomeKind =
  | 'advanced'
  | 'waiting'
  | 'idle'
  | 'locked'
  | 'error'
  | 'not-due'
  | 'in-progress'
  | 'aborted'
  | 'rolled-back'
  /** Not reached by this tick (time budget); the next tick starts with it. */
  | 'deferred';

export interface DomainOutcome {
  readonly domain: string;
  readonly outcome: OutcomeKind;
  readonly stage: Stage;
  readonly detail?: string;
}

export interface EngineOptions {
  readonly config: ByodkimConfig;
  readonly ports: Ports;
  /** Name of the Lambda function this engine runs in (failure notices name it). */
  readonly functionName: string;
  readonly orchestratorName: string;
  readonly timings?: Timings;
}

/** Each step is one effect at most; a full Route 53 rotation up to the switch takes about ten. */
const MAX_STEPS_PER_RUN = 40;
const b64 = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');

const TRANSIENT = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSInternalException',
  'InternalFailure',
]);

/** Throttles and timeouts (also as the cause of a wrapped error): retried by the next tick before paging. */
export function isTransient(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (TRANSIENT.has(e.name)) return true;
    const meta = (e as { $retryable?: { throttling?: boolean } }).$retryable;
    if (meta) return true;
  }
  return false;
}

export interface Ran {
  readonly state: DomainState;
  readonly outcome: DomainOutcome;
}

/** Observes, decides and performs, one effect at a time, for one domain whose lock the caller holds. */
export class StepRunner {
  constructor(
    private readonly p: Ports,
    private readonly t: Timings,
    private readonly config: ByodkimConfig,
    private readonly functionName: string,
    private readonly orchestratorName: string,
  ) {}

  private domainConfig(domain: string): DomainConfig {
    const d = this.config.domains.find((x) => x.domain === domain);
    if (!d) throw new Error(`domain ${domain} is not configured`);
    return d;
  }

  env(domain: string): DecideEnv {
    return { cfg: this.domainConfig(domain), t: this.t, notice: this.ctx(domain) };
  }

  /**
   * `sesKnown`: SES's answer of this run's previous observation, when no effect since could have changed SES
   * (the domain's lock keeps every other run of these functions away; only signWith/easyDkim change it). SES
   * answers one request a second for the whole account (issue #14 item 5), so a run asks once per SES change,
   * not once per step. DNS is always asked again (the switch must follow a fresh answer).
   */
  async observe(state: DomainState, sesKnown?: DkimStatus): Promise<Observation> {
    const ses = sesKnown ?? (await this.p.ses.getDkim(state.domain));
    const dns = new Map<string, ReturnType<typeof compareTxt>>();
    for (const k of keysToObserve(state)) {
      const answer = await this.p.dns.resolveTxt(dkimTxtRecord(k.selector, state.domain, k.publicKey).name);
      dns.set(k.selector, compareTxt(answer, k.publicKey));
    }
    return { now: this.p.clock.now(), ses, dns };
  }

  /** Brings a stored state in line with SES before an operator action looks at its stage. */
  async reconcileStored(state: DomainState): Promise<DomainState> {
    const d = reconcile(state, await this.observe(state));
    if (d?.kind !== 'step') return state;
    this.p.log.warn('stored state reconciled with SES', { domain: state.domain, why: d.why });
    const next = d.after();
    next.intent = undefined;
    return this.p.store.put(next);
  }

  async run(initial: DomainState, stopAfter?: ReadonlySet<Stage>): Promise<Ran> {
    let state = initial;
    const env = this.env(state.domain);
    let advanced = false;
    let sesKnown: DkimStatus | undefined;
    try {
      for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
        const o = await this.observe(state, sesKnown);
        sesKnown = o.ses;
        const d = decide(state, o, env);
        if (d.kind === 'wait') {
          for (const m of d.metrics ?? []) this.p.metrics.put(m);
          break;
        }
        if (d.kind === 'fail') throw d.error;
        const from = state.stage;
        let key: KeyRecord | undefined;
        if (d.effect && (d.effect.kind === 'signWith' || d.effect.kind === 'easyDkim')) sesKnown = undefined;
        if (d.effect) {
          const intent = { effect: d.effect.kind, selector: selectorOf(d.effect), at: o.now.toISOString() };
          state = await this.p.store.put({ ...clone(d.before ?? state), version: state.version, intent });
          key = await this.perform(d.effect, state.domain, o.now);
        }
        const next = d.after(key);
        next.version = state.version;
        next.intent = undefined;
        next.lastError = undefined;
        delete next.attempts[from];
        state = await this.p.store.put(next);
        for (const m of d.metrics ?? []) this.p.metrics.put(m);
        advanced = true;
        this.p.log.info('rotation step done', { domain: state.domain, from, to: state.stage, why: d.why });
        if (stopAfter?.has(state.stage)) break;
      }
      this.emitAges(state);
      const outcome: OutcomeKind = advanced ? 'advanced' : state.stage === 'IDLE' ? 'idle' : 'waiting';
      return { state, outcome: { domain: state.domain, outcome, stage: state.stage } };
    } catch (err) {
      const e = describeError(err);
      this.p.log.error('rotation step failed', {
        domain: state.domain,
        stage: state.stage,
        errorName: e.name,
        errorMessage: e.message,
      });
      state = await this.recordFailure(state, err);
      this.emitAges(state);
      return {
        state,
        outcome: {
          domain: state.domain,
          outcome: 'error',
          stage: state.stage,
          detail: `${e.name}: ${e.message}`,
        },
      };
    }
  }

  /** Performs one effect. Only generateKey has a result (the new key, ciphertext only). */
  private async perform(effect: Effect, domain: string, now: Date): Promise<KeyRecord | undefined> {
    switch (effect.kind) {
      case 'generateKey': {
        try {
          const g = await this.p.vault.generateKeyPair({ domain, selector: effect.selector });
          return {
            selector: effect.selector,
            privateKeyCiphertext: b64(g.privateKeyCiphertext),
            publicKey: b64(g.publicKeyDer),
            createdAt: now.toISOString(),
          };
        } catch (err) {
          throw err instanceof KeyGenerationError
            ? err
            : new KeyGenerationError(`key generation failed: ${describeError(err).name}`, { cause: err });
        }
      }
      case 'upsertTxt':
        await this.p.dnsPublisher.upsertTxt(effect.zone, effect.record.name, route53Value(effect.record));
        return undefined;
      case 'deleteTxt':
        await this.p.dnsPublisher.deleteTxt(effect.zone, effect.record.name, route53Value(effect.record));
        return undefined;
      case 'signWith':
        await this.signWith(domain, effect.key);
        return undefined;
      case 'easyDkim':
        await this.p.ses.putEasyDkim(domain);
        return undefined;
      case 'notify':
        await this.p.notifier.publish(effect.notification);
        this.p.metrics.put(metric('dkimNotificationSent', 1, domain));
        this.p.log.info('notification sent', {
          domain,
          kind: effect.notification.kind,
          severity: effect.notification.severity,
        });
        return undefined;
    }
  }

  /**
   * Decrypts the key just for the SES call and wipes it afterwards. The bytes KMS returned are handed to the
   * port as they are (no copy); the SES adapter builds the base64 string the API needs inside the call.
   */
  private async signWith(domain: string, key: KeyRecord) {
    const plain = await this.p.vault.decryptPrivateKey(Buffer.from(key.privateKeyCiphertext, 'base64'), {
      domain,
      selector: key.selector,
    });
    try {
      await this.p.ses.putExternal(domain, key.selector, plain);
    } finally {
      plain.fill(0);
    }
  }

  /** Records the failure on the last persisted state (never on a half-changed copy) and notifies by policy. */
  private async recordFailure(persisted: DomainState, err: unknown): Promise<DomainState> {
    const e = describeError(err);
    const attempts = (persisted.attempts[persisted.stage] ?? 0) + 1;
    const transient = isTransient(err);
    const keyGen = err instanceof KeyGenerationError;
    const escalate = !transient || attempts >= this.t.transientFailuresBeforeNotice;
    if (keyGen && escalate) this.p.metrics.put(metric('byodkimKeyGenerationStatus', 0, persisted.domain));
    let state = edit(persisted, (n) => {
      n.attempts[n.stage] = attempts;
      n.lastError = {
        stage: n.stage,
        name: e.name,
        message: e.message,
        at: this.p.clock.now().toISOString(),
      };
    });
    try {
      state = await this.p.store.put(state);
    } catch (saveErr) {
      this.p.log.warn('could not record the failure in the state', {
        domain: state.domain,
        ...describeError(saveErr),
      });
      return persisted;
    }
    // First (escalated) failure of a step, then about once a day (hourly ticks) while it keeps failing.
    const first = transient ? attempts === this.t.transientFailuresBeforeNotice : attempts === 1;
    if (escalate && (first || attempts % this.t.failureRenotifyHours === 0)) {
      const c = this.ctx(state.domain);
      const n = keyGen
        ? notices.keyGenerationFailed(c, e.message)
        : notices.stepFailed(c, state.stage, `${e.name}: ${e.message}`, attempts);
      try {
        await this.p.notifier.publish(n);
        this.p.metrics.put(metric('dkimNotificationSent', 1, state.domain));
      } catch (notifyErr) {
        this.p.log.error('failure notification could not be sent', {
          domain: state.domain,
          ...describeError(notifyErr),
        });
      }
    }
    return state;
  }

  ctx(domain: string): Ctx {
    return {
      environment: this.config.environment,
      domain,
      functionName: this.functionName,
      orchestratorName: this.orchestratorName,
    };
  }

  emitAges(state: DomainState) {
    for (const m of ageMetrics(state, this.domainConfig(state.domain), this.p.clock.now()))
      this.p.metrics.put(m);
  }
}

function selectorOf(e: Effect): string | undefined {
  switch (e.kind) {
    case 'generateKey':
    case 'upsertTxt':
    case 'deleteTxt':
      return e.selector;
    case 'signWith':
      return e.key.selector;
    default:
      return undefined;
  }
}
