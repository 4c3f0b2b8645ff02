/**
 * The operator-facing rotation engine: the scheduled tick, rotate, abort, rollback and status, each under the
 * domain's lock. The steps themselves are decided by decide.ts and performed by runner.ts.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_TIMINGS, type Timings } from '../config.js';
import { dkimTxtRecord } from '../dkim.js';
import {
  describeError,
  InvalidRequestError,
  InvalidStageError,
  RollbackNotPossibleError,
  RotationRunError,
} from '../errors.js';
import { addDays } from '../time.js';
import { type DomainConfig, type DomainState, initialState, type Stage } from '../types.js';
import { removalDue, toRollingBack } from './after-switch.js';
import { started } from './before-switch.js';
import { type Decision, dnsOf, dueAt, edit, PRE_SWITCH, patch } from './decision.js';
import { type DomainOutcome, type EngineOptions, type OutcomeKind, type Ran, StepRunner } from './runner.js';

export { type DomainOutcome, type EngineOptions, isTransient, type OutcomeKind } from './runner.js';

/** No domain is started when less than this is left of the tick's time (one domain's run fits in it). */
export const TICK_RESERVE_MS = 60_000;

export class RotationEngine {
  private readonly t: Timings;
  private readonly owner = randomUUID();
  private readonly runner: StepRunner;

  constructor(private readonly o: EngineOptions) {
    this.t = o.timings ?? DEFAULT_TIMINGS;
    this.runner = new StepRunner(o.ports, this.t, o.config, o.functionName, o.orchestratorName);
  }

  private get p() {
    return this.o.ports;
  }

  domainConfig(domain: string): DomainConfig {
    const d = this.o.config.domains.find((x) => x.domain === domain);
    if (!d) {
      const known = this.o.config.domains.map((x) => x.domain).join(', ') || '(none)';
      throw new InvalidRequestError(
        `domain '${domain}' is not configured in DOMAINS_JSON; configured: ${known}`,
      );
    }
    return d;
  }

  // ---------- public actions ----------

  /**
   * Advances every configured domain (scheduled tick). Any error of one domain (also outside its steps,
   * e.g. the lock) is that domain's outcome; the others still run. Throws RotationRunError at the end.
   *
   * At scale (issue #14 item 5): an IDLE domain that is not due and owes no notice is settled from its stored
   * state alone (one read, no lock, no SES call: SES allows one request per second). With `deadlineMs` (the
   * Lambda's remaining time), no domain is started less than TICK_RESERVE_MS before it; the domains not reached
   * are answered `deferred` and the next tick starts with the first of them (a cursor in the state store), so
   * every domain is reached within a few ticks and none is skipped for ever.
   */
  async tick(opts: { deadlineMs?: number } = {}): Promise<DomainOutcome[]> {
    const outcomes: DomainOutcome[] = [];
    const domains = this.o.config.domains;
    const cursor = domains.length > 0 ? await this.p.store.getCursor?.() : undefined;
    const startAt = Math.max(0, cursor === undefined ? 0 : domains.findIndex((d) => d.domain === cursor));
    const t0 = this.p.clock.now().getTime();
    let deferredFrom: string | undefined;
    for (let i = 0; i < domains.length; i++) {
      const d = domains[(startAt + i) % domains.length]!;
      if (
        deferredFrom === undefined &&
        opts.deadlineMs !== undefined &&
        this.p.clock.now().getTime() > opts.deadlineMs - TICK_RESERVE_MS
      ) {
        deferredFrom = d.domain;
      }
      if (deferredFrom !== undefined) {
        outcomes.push({
          domain: d.domain,
          outcome: 'deferred',
          stage: 'IDLE',
          detail: 'tick time budget used up; the next tick starts here',
        });
        continue;
      }
      try {
        outcomes.push((await this.settledIdle(d)) ?? (await this.advance(d.domain)));
      } catch (err) {
        const e = describeError(err);
        this.p.log.error('domain run failed outside its steps', {
          domain: d.domain,
          errorName: e.name,
          errorMessage: e.message,
        });
        const stage = (await this.p.store.get(d.domain).catch(() => undefined))?.stage ?? 'IDLE';
        outcomes.push({ domain: d.domain, outcome: 'error', stage, detail: `${e.name}: ${e.message}` });
      }
    }
    if (deferredFrom !== undefined || cursor !== undefined) {
      try {
        await this.p.store.putCursor?.(deferredFrom);
      } catch (err) {
        // Without the cursor the next tick starts at the first domain again: slower, nothing lost.
        this.p.log.warn('could not store the tick cursor', describeError(err));
      }
    }
    const deferred = outcomes.filter((o) => o.outcome === 'deferred').length;
    this.p.log.info('tick done', {
      domains: domains.length,
      processed: domains.length - deferred,
      deferred,
      startedWith: domains[startAt]?.domain,
      nextStartsWith: deferredFrom,
      elapsedMs: this.p.clock.now().getTime() - t0,
    });
    const failures = outcomes.filter((o) => o.outcome === 'error');
    if (failures.length > 0) {
      throw new RotationRunError(failures.map((f) => ({ domain: f.domain, error: f.detail ?? 'unknown' })));
    }
    return outcomes;
  }

  /**
   * The outcome of an IDLE domain with nothing to do now (not due, no 30-day notice owed), from its stored state
   * alone; undefined when the domain needs a full run. Same decision as decideIdle's `wait`.
   */
  private async settledIdle(d: DomainConfig): Promise<DomainOutcome | undefined> {
    const s = await this.p.store.get(d.domain);
    if (s?.stage !== 'IDLE' || s.intent || s.abortRequested) return undefined;
    const now = this.p.clock.now();
    const due = dueAt(s, d, { now, noticeDays: this.t.noticeDays });
    if (now >= due) return undefined;
    if (s.current && now >= addDays(due, -this.t.noticeDays) && s.noticeSentFor !== due.toISOString()) {
      return undefined;
    }
    this.runner.emitAges(s);
    return { domain: d.domain, outcome: 'idle', stage: 'IDLE' };
  }

  /** Advances one domain as far as it can go now. Errors are recorded, notified and returned as outcome `error`. */
  async advance(
    domain: string,
    opts: { stopAfter?: ReadonlySet<Stage>; onlyFrom?: ReadonlySet<Stage> } = {},
  ): Promise<DomainOutcome> {
    return this.withDomain(domain, async (state) => {
      if (opts.onlyFrom && !opts.onlyFrom.has(state.stage)) {
        throw new InvalidStageError(
          `${domain} is in stage ${state.stage}; this action needs one of ${[...opts.onlyFrom].join(', ')}`,
        );
      }
      return this.runner.run(state, opts.stopAfter);
    });
  }

  /** Starts a rotation now (force) or when due; never a second one while a rotation is in progress. */
  async rotate(domain: string, force: boolean, stopAfter?: ReadonlySet<Stage>): Promise<DomainOutcome> {
    const cfg = this.domainConfig(domain);
    return this.withDomain(domain, async (state) => {
      if (state.stage !== 'IDLE' && state.stage !== 'FAILED') {
        return { state, outcome: { domain, outcome: 'in-progress', stage: state.stage } };
      }
      const now = this.p.clock.now();
      const due = dueAt(state, cfg, { now, noticeDays: this.t.noticeDays });
      if (!force && now < due) {
        return {
          state,
          outcome: {
            domain,
            outcome: 'not-due',
            stage: state.stage,
            detail: `next rotation ${due.toISOString()}`,
          },
        };
      }
      state = await this.p.store.put(started(state, now, force ? 'operator (force)' : 'operator'));
      return this.runner.run(state, stopAfter);
    });
  }

  /** Cancels a rotation that has not switched SES yet; after the switch (as SES reports it), rolls back. */
  async abort(domain: string): Promise<DomainOutcome> {
    this.domainConfig(domain);
    return this.withDomain(domain, async (stored) => {
      const state = await this.runner.reconcileStored(stored);
      if (state.stage === 'FAILED') {
        const next = await this.p.store.put(
          edit(state, (n) => {
            n.stage = 'IDLE';
            n.nextRotationAt = new Date(
              this.p.clock.now().getTime() + this.t.retryAfterFailureDays * 86_400_000,
            ).toISOString();
            n.nextRotationKind = 'retry';
          }),
        );
        return { state: next, outcome: { domain, outcome: 'aborted', stage: next.stage } };
      }
      const preSwitch = PRE_SWITCH.has(state.stage);
      if (!preSwitch && state.stage !== 'AWAITING_VERIFICATION' && state.stage !== 'ROLLING_BACK') {
        throw new InvalidStageError(
          `cannot abort ${domain} in stage ${state.stage}: abort is possible from KEY_REQUESTED to AWAITING_VERIFICATION (use "rollback" after verification succeeded)`,
        );
      }
      const requested =
        state.stage === 'ROLLING_BACK'
          ? state
          : await this.p.store.put(
              patch(state, {
                abortRequested: preSwitch ? 'operator abort' : 'operator abort after the switch',
              }),
            );
      const r = await this.runner.run(requested, new Set(['IDLE']));
      return { state: r.state, outcome: this.finalOutcome(r, preSwitch ? 'aborted' : 'rolled-back') };
    });
  }

  /** Returns SES to the previous key (or Easy DKIM for an onboarding) while that key is still published. */
  async rollback(domain: string): Promise<DomainOutcome> {
    this.domainConfig(domain);
    return this.withDomain(domain, async (stored) => {
      const state = await this.runner.reconcileStored(stored);
      if (!['AWAITING_VERIFICATION', 'ROLLING_BACK', 'AWAITING_OLD_REMOVAL'].includes(state.stage)) {
        throw new InvalidStageError(
          `cannot roll back ${domain} in stage ${state.stage}: rollback is possible after the SES switch until the old record is removed (AWAITING_VERIFICATION, AWAITING_OLD_REMOVAL); before the switch use "abort"`,
        );
      }
      const prev = state.previous;
      if (prev) {
        if (state.retired?.includes(prev.selector)) {
          throw new RollbackNotPossibleError(
            `cannot roll back ${domain}: this system already removed (or asked to remove) the record of the previous selector ${prev.selector}; signing stays on ${state.current?.selector}`,
          );
        }
        const o = await this.runner.observe(state);
        if (removalDue(state, o, this.runner.env(domain))) {
          throw new RollbackNotPossibleError(
            `cannot roll back ${domain}: the DNS team was asked to remove the record of the previous selector ${prev.selector} and may be removing it now; signing stays on ${state.current?.selector}`,
          );
        }
        if (dnsOf(o, prev).kind !== 'MATCH') {
          throw new RollbackNotPossibleError(
            `cannot roll back ${domain}: the previous selector ${prev.selector} no longer resolves with its key; signing stays on ${state.current?.selector}`,
          );
        }
      } else if (state.previousOrigin !== 'AWS_SES') {
        throw new RollbackNotPossibleError(
          `cannot roll back ${domain}: there is no previous key (previous origin ${state.previousOrigin ?? 'unknown'})`,
        );
      }
      const d = toRollingBack(state, 'operator rollback') as Extract<Decision, { kind: 'step' }>;
      const r = await this.runner.run(await this.p.store.put(d.after()), new Set(['IDLE']));
      return { state: r.state, outcome: this.finalOutcome(r, 'rolled-back') };
    });
  }

  /** Stored view of each domain (no key material). */
  async status(domain?: string) {
    const domains = domain ? [this.domainConfig(domain)] : this.o.config.domains;
    const out = [];
    for (const d of domains) {
      const s = (await this.p.store.get(d.domain)) ?? initialState(d.domain);
      out.push({
        domain: d.domain,
        mode: d.hostedZoneId ? 'route53' : 'manual-dns',
        stage: s.stage,
        selectors: {
          current: s.current?.selector,
          pending: s.pending?.selector,
          previous: s.previous?.selector,
        },
        recordToPublish: s.pending
          ? dkimTxtRecord(s.pending.selector, d.domain, s.pending.publicKey)
          : undefined,
        rotationStartedAt: s.rotationStartedAt,
        dnsRequestedAt: s.dnsRequestedAt,
        dnsObservedAt: s.dnsObservedAt,
        switchedAt: s.switchedAt,
        verifiedAt: s.verifiedAt,
        lastRotationCompletedAt: s.lastRotationCompletedAt,
        lastRotationFailedAt: s.lastRotationFailedAt,
        nextRotationAt: dueAt(s, d, { now: this.p.clock.now(), noticeDays: this.t.noticeDays }).toISOString(),
        completedRotations: s.completedRotations,
        pendingEffect: s.intent,
        abortRequested: s.abortRequested,
        lastError: s.lastError,
        version: s.version,
      });
    }
    return out;
  }

  // ---------- machinery ----------

  private finalOutcome(r: Ran, done: OutcomeKind): DomainOutcome {
    const { state, outcome } = r;
    if (outcome.outcome === 'error') return outcome;
    if (state.stage === 'IDLE') return { domain: state.domain, outcome: done, stage: state.stage };
    return { ...outcome, outcome: 'error', detail: `stopped in ${state.stage}` };
  }

  private async withDomain(domain: string, fn: (state: DomainState) => Promise<Ran>): Promise<DomainOutcome> {
    this.domainConfig(domain);
    const nowMs = this.p.clock.now().getTime();
    if (!(await this.p.store.acquireLock(domain, this.owner, nowMs, nowMs + this.t.lockLeaseMs))) {
      this.p.log.info('domain locked by another run; skipped', { domain });
      return { domain, outcome: 'locked', stage: (await this.p.store.get(domain))?.stage ?? 'IDLE' };
    }
    try {
      const state = (await this.p.store.get(domain)) ?? initialState(domain);
      return (await fn(state)).outcome;
    } finally {
      try {
        await this.p.store.releaseLock(domain, this.owner);
      } catch (err) {
        // The lease expires by itself; an operator's answer must not be replaced by this.
        this.p.log.warn('could not release the domain lock (it expires by itself)', {
          domain,
          ...describeError(err),
        });
      }
    }
  }

  /** What SES reports and what DNS resolves for the keys the stage depends on. */
}
