/**
 * The per-domain rotation state machine. Every step is idempotent and saved before the next one runs, so a
 * rerun continues from the stored stage; a per-domain lock keeps two runs from advancing one domain.
 *
 * IDLE -> KEY_REQUESTED -> KEY_GENERATED -> AWAITING_DNS -> DNS_PUBLISHED -> AWAITING_VERIFICATION
 *      -> AWAITING_OLD_REMOVAL -> IDLE (done)
 * AWAITING_VERIFICATION -(FAILED / timeout)-> ROLLING_BACK -> IDLE (or FAILED when there is nothing to return to)
 */
import { randomUUID } from 'node:crypto';
import { type ByodkimConfig, DEFAULT_TIMINGS, type Timings } from './config.js';
import { compareTxt, dkimTxtRecord, newSelector, route53Value } from './dkim.js';
import {
  describeError,
  InvalidRequestError,
  InvalidStageError,
  KeyGenerationError,
  RollbackNotPossibleError,
  RotationRunError,
  StateMismatchError,
} from './errors.js';
import { type Ctx, notices } from './notifications.js';
import type { MetricUnitName, Notification, Ports } from './ports.js';
import { addDays, addHours, daysBetween, hoursBetween, round2 } from './time.js';
import { type DomainConfig, type DomainState, initialState, type KeyRecord, type Stage } from './types.js';

export type OutcomeKind =
  | 'advanced'
  | 'waiting'
  | 'idle'
  | 'locked'
  | 'error'
  | 'not-due'
  | 'in-progress'
  | 'aborted'
  | 'rolled-back';

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

const MAX_STEPS_PER_RUN = 12;
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

export class RotationEngine {
  private readonly t: Timings;
  private readonly owner = randomUUID();

  constructor(private readonly o: EngineOptions) {
    this.t = o.timings ?? DEFAULT_TIMINGS;
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

  /** Advances every configured domain (scheduled tick). Throws RotationRunError after all domains ran if any failed. */
  async tick(): Promise<DomainOutcome[]> {
    const outcomes: DomainOutcome[] = [];
    for (const d of this.o.config.domains) outcomes.push(await this.advance(d.domain));
    const failures = outcomes.filter((o) => o.outcome === 'error');
    if (failures.length > 0) {
      throw new RotationRunError(failures.map((f) => ({ domain: f.domain, error: f.detail ?? 'unknown' })));
    }
    return outcomes;
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
      return this.run(state, opts.stopAfter);
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
      const due = this.dueAt(state, cfg);
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
      this.start(state, force ? 'operator (force)' : 'operator');
      state = await this.p.store.put(state);
      return this.run(state, stopAfter);
    });
  }

  /** Cancels a rotation that has not switched SES yet; after the switch, rolls back instead. */
  async abort(domain: string): Promise<DomainOutcome> {
    const cfg = this.domainConfig(domain);
    return this.withDomain(domain, async (state) => {
      switch (state.stage) {
        case 'KEY_REQUESTED':
        case 'KEY_GENERATED':
        case 'AWAITING_DNS':
        case 'DNS_PUBLISHED': {
          const pending = state.pending;
          const dnsRequested = state.dnsRequestedAt !== undefined;
          if (pending && cfg.hostedZoneId && dnsRequested) {
            const r = dkimTxtRecord(pending.selector, domain, pending.publicKey);
            await this.p.dnsPublisher.deleteTxt(cfg.hostedZoneId, r.name, route53Value(r));
          }
          state.rejected = pending;
          state.pending = undefined;
          state.stage = 'IDLE';
          state.nextRotationAt = addDays(this.p.clock.now(), this.t.retryAfterFailureDays).toISOString();
          state = await this.p.store.put(state);
          await this.notify(
            state,
            notices.aborted(this.ctx(domain), pending, dnsRequested && !cfg.hostedZoneId),
          );
          return { state, outcome: { domain, outcome: 'aborted', stage: state.stage } };
        }
        case 'AWAITING_VERIFICATION':
        case 'ROLLING_BACK':
          return this.rollbackNow(state, cfg, 'operator abort after the switch');
        case 'FAILED':
          state.stage = 'IDLE';
          state.nextRotationAt = addDays(this.p.clock.now(), this.t.retryAfterFailureDays).toISOString();
          state = await this.p.store.put(state);
          return { state, outcome: { domain, outcome: 'aborted', stage: state.stage } };
        default:
          throw new InvalidStageError(
            `cannot abort ${domain} in stage ${state.stage}: abort is possible from KEY_REQUESTED to AWAITING_VERIFICATION (use "rollback" after verification succeeded)`,
          );
      }
    });
  }

  /** Returns SES to the previous key (or Easy DKIM for an onboarding) while that key is still published. */
  async rollback(domain: string): Promise<DomainOutcome> {
    const cfg = this.domainConfig(domain);
    return this.withDomain(domain, async (state) => {
      if (!['AWAITING_VERIFICATION', 'ROLLING_BACK', 'AWAITING_OLD_REMOVAL'].includes(state.stage)) {
        throw new InvalidStageError(
          `cannot roll back ${domain} in stage ${state.stage}: rollback is possible after the SES switch until the old record is removed (AWAITING_VERIFICATION, AWAITING_OLD_REMOVAL); before the switch use "abort"`,
        );
      }
      const prev = state.previous;
      if (prev) {
        const found = compareTxt(
          await this.p.dns.resolveTxt(dkimTxtRecord(prev.selector, domain, prev.publicKey).name),
          prev.publicKey,
        );
        if (found.kind !== 'MATCH') {
          throw new RollbackNotPossibleError(
            `cannot roll back ${domain}: the previous selector ${prev.selector} no longer resolves with its key; signing stays on ${state.current?.selector}`,
          );
        }
      } else if (state.previousOrigin !== 'AWS_SES') {
        throw new RollbackNotPossibleError(
          `cannot roll back ${domain}: there is no previous key (previous origin ${state.previousOrigin ?? 'unknown'})`,
        );
      }
      return this.rollbackNow(state, cfg, 'operator rollback');
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
        nextRotationAt: this.dueAt(s, d).toISOString(),
        completedRotations: s.completedRotations,
        lastError: s.lastError,
        version: s.version,
      });
    }
    return out;
  }

  // ---------- machinery ----------

  private async withDomain(
    domain: string,
    fn: (state: DomainState) => Promise<{ state: DomainState; outcome: DomainOutcome }>,
  ): Promise<DomainOutcome> {
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
      await this.p.store.releaseLock(domain, this.owner);
    }
  }

  private async run(
    initial: DomainState,
    stopAfter?: ReadonlySet<Stage>,
  ): Promise<{ state: DomainState; outcome: DomainOutcome }> {
    let state = initial;
    const cfg = this.domainConfig(state.domain);
    let advanced = false;
    try {
      for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
        const before = JSON.stringify(state);
        const stageBefore = state.stage;
        const progressed = await this.step(state, cfg);
        if (JSON.stringify(state) !== before) {
          if (progressed && state.attempts[stageBefore]) delete state.attempts[stageBefore];
          if (progressed) state.lastError = undefined;
          state = await this.p.store.put(state);
        }
        if (!progressed) break;
        advanced = true;
        this.p.log.info('rotation step done', { domain: state.domain, from: stageBefore, to: state.stage });
        if (stopAfter?.has(state.stage)) break;
      }
      this.emitAges(state, cfg);
      return {
        state,
        outcome: {
          domain: state.domain,
          outcome: advanced ? 'advanced' : state.stage === 'IDLE' ? 'idle' : 'waiting',
          stage: state.stage,
        },
      };
    } catch (err) {
      const e = describeError(err);
      this.p.log.error('rotation step failed', {
        domain: state.domain,
        stage: state.stage,
        errorName: e.name,
        errorMessage: e.message,
      });
      state = await this.recordFailure(state, err);
      this.emitAges(state, cfg);
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

  private async recordFailure(state: DomainState, err: unknown): Promise<DomainState> {
    const e = describeError(err);
    const attempts = (state.attempts[state.stage] ?? 0) + 1;
    state.attempts[state.stage] = attempts;
    state.lastError = {
      stage: state.stage,
      name: e.name,
      message: e.message,
      at: this.p.clock.now().toISOString(),
    };
    try {
      state = await this.p.store.put(state);
    } catch (saveErr) {
      this.p.log.warn('could not record the failure in the state', {
        domain: state.domain,
        ...describeError(saveErr),
      });
      return state;
    }
    // First failure of a step, then about once a day (hourly ticks) while it keeps failing.
    if (attempts === 1 || attempts % this.t.failureRenotifyHours === 0) {
      const c = this.ctx(state.domain);
      const n =
        err instanceof KeyGenerationError
          ? notices.keyGenerationFailed(c, e.message)
          : notices.stepFailed(c, state.stage, `${e.name}: ${e.message}`, attempts);
      try {
        await this.notify(state, n);
      } catch (notifyErr) {
        this.p.log.error('failure notification could not be sent', {
          domain: state.domain,
          ...describeError(notifyErr),
        });
      }
    }
    return state;
  }

  private ctx(domain: string): Ctx {
    return {
      environment: this.o.config.environment,
      domain,
      functionName: this.o.functionName,
      orchestratorName: this.o.orchestratorName,
    };
  }

  private async notify(state: DomainState, n: Notification) {
    await this.p.notifier.publish(n);
    this.metric('DKIMNotificationSent', 'Count', 1, state.domain);
    this.p.log.info('notification sent', { domain: state.domain, kind: n.kind, severity: n.severity });
  }

  /** Sends a notification once per rotation (key stored in state.sent, saved with the step). */
  private async notifyOnce(state: DomainState, key: string, n: () => Notification) {
    if (state.sent.includes(key)) return;
    await this.notify(state, n());
    state.sent.push(key);
  }

  private metric(name: string, unit: MetricUnitName, value: number, domain: string) {
    this.p.metrics.put({ name, unit, value, domain });
  }

  private dueAt(state: DomainState, cfg: DomainConfig): Date {
    if (state.nextRotationAt) return new Date(state.nextRotationAt);
    if (!state.current) return new Date(0); // onboarding: due at once
    return addDays(state.current.createdAt, cfg.rotationIntervalDays);
  }

  private start(state: DomainState, reason: string) {
    const now = this.p.clock.now().toISOString();
    state.stage = 'KEY_REQUESTED';
    state.rotationId = now;
    state.rotationReason = reason;
    state.rotationStartedAt = now;
    state.sent = [];
    state.attempts = {};
    state.lastError = undefined;
    state.rejected = undefined;
    state.pending = undefined;
    state.dnsRequestedAt = undefined;
    state.dnsObservedAt = undefined;
    state.switchedAt = undefined;
    state.verifiedAt = undefined;
    state.oldRecordRemovedAt = undefined;
    state.previousOrigin = undefined;
  }

  /** Publishes the age metrics of the current stage (0 when not applicable, so the series stays continuous). */
  private emitAges(state: DomainState, cfg: DomainConfig) {
    const now = this.p.clock.now();
    const d = state.domain;
    const waitingDns = state.stage === 'AWAITING_DNS' && state.dnsRequestedAt;
    const manualAge = waitingDns && !cfg.hostedZoneId ? hoursBetween(state.dnsRequestedAt!, now) : 0;
    const propagation = waitingDns && cfg.hostedZoneId ? hoursBetween(state.dnsRequestedAt!, now) : 0;
    const pending =
      state.stage === 'AWAITING_VERIFICATION' && state.switchedAt ? hoursBetween(state.switchedAt, now) : 0;
    const oldAge =
      state.stage === 'AWAITING_OLD_REMOVAL' && state.switchedAt ? daysBetween(state.switchedAt, now) : 0;
    this.metric('DNSRequestAgeHours', 'None', round2(manualAge), d);
    this.metric('DNSPropagationHours', 'None', round2(propagation), d);
    this.metric('BYODKIMPendingHours', 'None', round2(pending), d);
    this.metric('OldRecordAgeDays', 'None', round2(oldAge), d);
  }

  /** One step; mutates state; true when the stage moved on (run continues), false when waiting. */
  private async step(state: DomainState, cfg: DomainConfig): Promise<boolean> {
    const now = this.p.clock.now();
    const c = this.ctx(state.domain);
    switch (state.stage) {
      case 'IDLE': {
        const due = this.dueAt(state, cfg);
        if (
          state.current &&
          now >= addDays(due, -this.t.noticeDays) &&
          state.noticeSentFor !== due.toISOString()
        ) {
          await this.notify(state, notices.advanceNotice(c, due, !cfg.hostedZoneId));
          state.noticeSentFor = due.toISOString();
        }
        if (now < due) return false;
        this.start(state, state.current ? 'schedule' : 'onboarding');
        return true;
      }

      case 'KEY_REQUESTED': {
        if (state.previousOrigin === undefined) {
          const ses = await this.p.ses.getDkim(state.domain);
          if (!ses.exists) {
            throw new StateMismatchError(
              `SES identity ${state.domain} does not exist: create it (SES stack) before the BYODKIM rotation can give it a key`,
            );
          }
          if (state.current) {
            if (!ses.selectors.includes(state.current.selector)) {
              this.p.log.warn('SES signs with a selector the state does not know', {
                domain: state.domain,
                expected: state.current.selector,
                sesSelectors: ses.selectors,
              });
            }
            state.previousOrigin = 'MANAGED';
          } else {
            state.previousOrigin = ses.origin.startsWith('AWS_SES')
              ? 'AWS_SES'
              : ses.origin === 'EXTERNAL'
                ? 'EXTERNAL_UNKNOWN'
                : 'NONE';
          }
        }
        await this.notifyOnce(state, 'started', () =>
          notices.rotationStarted(c, state.rotationReason ?? 'schedule', !state.current),
        );
        const selector = newSelector(now, [
          state.current?.selector,
          state.previous?.selector,
          state.rejected?.selector,
        ]);
        let key: KeyRecord;
        try {
          const g = await this.p.vault.generateKeyPair({ domain: state.domain, selector });
          key = {
            selector,
            privateKeyCiphertext: b64(g.privateKeyCiphertext),
            publicKey: b64(g.publicKeyDer),
            createdAt: now.toISOString(),
          };
        } catch (err) {
          this.metric('BYODKIMKeyGenerationStatus', 'Count', 0, state.domain);
          throw err instanceof KeyGenerationError
            ? err
            : new KeyGenerationError(`key generation failed: ${describeError(err).name}`, { cause: err });
        }
        this.metric('BYODKIMKeyGenerationStatus', 'Count', 1, state.domain);
        state.pending = key;
        state.stage = 'KEY_GENERATED';
        return true;
      }

      case 'KEY_GENERATED': {
        const key = this.need(state.pending, state, 'pending');
        const record = dkimTxtRecord(key.selector, state.domain, key.publicKey);
        if (cfg.hostedZoneId) {
          await this.p.dnsPublisher.upsertTxt(cfg.hostedZoneId, record.name, route53Value(record));
          await this.notifyOnce(state, 'dns-request', () => notices.dnsPublishedAutomatically(c, key));
        } else {
          await this.notifyOnce(state, 'dns-request', () =>
            notices.dnsRequest(c, key, now, this.t.dnsDeadlineHours),
          );
        }
        state.dnsRequestedAt = now.toISOString();
        state.stage = 'AWAITING_DNS';
        return true;
      }

      case 'AWAITING_DNS': {
        const key = this.need(state.pending, state, 'pending');
        const requestedAt = state.dnsRequestedAt ?? now.toISOString();
        const found = compareTxt(
          await this.p.dns.resolveTxt(dkimTxtRecord(key.selector, state.domain, key.publicKey).name),
          key.publicKey,
        );
        this.metric('DNSPendingRecordMismatch', 'Count', found.kind === 'MISMATCH' ? 1 : 0, state.domain);
        if (found.kind === 'MATCH') {
          state.dnsObservedAt = now.toISOString();
          state.stage = 'DNS_PUBLISHED';
          return true;
        }
        if (found.kind === 'MISMATCH') {
          await this.notifyOnce(state, 'dns-mismatch', () => notices.dnsMismatch(c, key, found.published));
        }
        if (!cfg.hostedZoneId) {
          const age = hoursBetween(requestedAt, now);
          const deadline = addHours(requestedAt, this.t.dnsDeadlineHours);
          for (const before of this.t.dnsRemindersBeforeDeadlineHours) {
            if (age >= this.t.dnsDeadlineHours - before && age < this.t.dnsDeadlineHours) {
              await this.notifyOnce(state, `dns-reminder-${before}h`, () =>
                notices.dnsReminder(c, key, deadline, before),
              );
            }
          }
          if (age >= this.t.dnsDeadlineHours) {
            await this.notifyOnce(state, 'dns-overdue', () =>
              notices.dnsOverdue(c, key, requestedAt, this.t.dnsDeadlineHours),
            );
          }
        }
        return false;
      }

      case 'DNS_PUBLISHED': {
        const key = this.need(state.pending, state, 'pending');
        // Re-check right before switching: a rerun may come much later than the observation.
        const found = compareTxt(
          await this.p.dns.resolveTxt(dkimTxtRecord(key.selector, state.domain, key.publicKey).name),
          key.publicKey,
        );
        if (found.kind !== 'MATCH') {
          this.p.log.warn('new record no longer resolves with the new key; waiting for DNS again', {
            domain: state.domain,
            selector: key.selector,
          });
          state.stage = 'AWAITING_DNS';
          return false;
        }
        await this.signWith(state.domain, key);
        state.previous = state.current;
        state.current = key;
        state.pending = undefined;
        state.switchedAt = now.toISOString();
        state.stage = 'AWAITING_VERIFICATION';
        return true;
      }

      case 'AWAITING_VERIFICATION': {
        const key = this.need(state.current, state, 'current');
        const ses = await this.p.ses.getDkim(state.domain);
        if (!ses.selectors.includes(key.selector)) {
          throw new StateMismatchError(
            `SES reports selector(s) ${ses.selectors.join(',') || '(none)'} for ${state.domain}, expected ${key.selector}; someone changed the DKIM settings outside the rotation`,
          );
        }
        if (ses.status === 'SUCCESS') {
          state.verifiedAt = now.toISOString();
          await this.notifyOnce(state, 'verified', () => notices.verificationSucceeded(c, key));
          if (state.previous) {
            state.stage = 'AWAITING_OLD_REMOVAL';
            if (!cfg.hostedZoneId) {
              const switchedAt = state.switchedAt ?? now.toISOString();
              const old = state.previous;
              await this.notifyOnce(state, 'old-removal', () =>
                notices.removalRequest(
                  c,
                  old,
                  addHours(switchedAt, this.t.oldRecordGraceHours),
                  addDays(switchedAt, this.t.oldRecordDeadlineDays),
                  false,
                ),
              );
            }
            return true;
          }
          await this.complete(state, cfg);
          return true;
        }
        const hours = hoursBetween(state.switchedAt ?? now.toISOString(), now);
        if (ses.status === 'FAILED' || hours >= this.t.verificationTimeoutHours) {
          state.rotationReason =
            ses.status === 'FAILED'
              ? 'SES verification FAILED'
              : `not SUCCESS after ${Math.floor(hours)} h (${ses.status})`;
          state.stage = 'ROLLING_BACK';
          return true;
        }
        return false;
      }

      case 'ROLLING_BACK':
        await this.doRollback(state, cfg, state.rotationReason ?? 'verification failed');
        return state.stage !== 'ROLLING_BACK';

      case 'AWAITING_OLD_REMOVAL': {
        const old = this.need(state.previous, state, 'previous');
        const switchedAt = state.switchedAt ?? now.toISOString();
        const record = dkimTxtRecord(old.selector, state.domain, old.publicKey);
        if (cfg.hostedZoneId) {
          if (now < addHours(switchedAt, this.t.oldRecordGraceHours)) return false;
          await this.p.dnsPublisher.deleteTxt(cfg.hostedZoneId, record.name, route53Value(record));
          await this.notifyOnce(state, 'old-removed', () => notices.oldRecordRemovedAutomatically(c, old));
        }
        const found = compareTxt(await this.p.dns.resolveTxt(record.name), old.publicKey);
        if (found.kind === 'NOT_FOUND') {
          state.oldRecordRemovedAt = now.toISOString();
          await this.complete(state, cfg);
          return true;
        }
        if (!cfg.hostedZoneId && daysBetween(switchedAt, now) >= this.t.oldRecordReminderDays) {
          await this.notifyOnce(state, 'old-removal-reminder', () =>
            notices.removalRequest(
              c,
              old,
              addHours(switchedAt, this.t.oldRecordGraceHours),
              addDays(switchedAt, this.t.oldRecordDeadlineDays),
              true,
            ),
          );
        }
        return false;
      }

      case 'FAILED':
        return false;
    }
  }

  private need<T>(v: T | undefined, state: DomainState, what: string): T {
    if (v === undefined) {
      throw new StateMismatchError(
        `stage ${state.stage} of ${state.domain} needs a ${what} key, but the state has none`,
      );
    }
    return v;
  }

  /** Decrypts the key just for the SES call and wipes the plaintext afterwards. */
  private async signWith(domain: string, key: KeyRecord) {
    const plain = await this.p.vault.decryptPrivateKey(Buffer.from(key.privateKeyCiphertext, 'base64'), {
      domain,
      selector: key.selector,
    });
    try {
      await this.p.ses.putExternal(domain, key.selector, Buffer.from(plain).toString('base64'));
    } finally {
      plain.fill(0);
    }
  }

  private async complete(state: DomainState, cfg: DomainConfig) {
    const now = this.p.clock.now();
    const key = this.need(state.current, state, 'current');
    const next = addDays(state.switchedAt ?? now, cfg.rotationIntervalDays);
    // Notify before changing the stage: if SNS fails, the rerun repeats this step (at-least-once notice).
    await this.notifyOnce(state, 'completed', () =>
      notices.rotationCompleted(this.ctx(state.domain), key, next),
    );
    state.previous = undefined; // the old ciphertext is dropped only now
    state.stage = 'IDLE';
    state.lastRotationCompletedAt = now.toISOString();
    state.nextRotationAt = next.toISOString();
    state.completedRotations += 1;
    this.metric('BYODKIMKeyRotation', 'Count', 1, state.domain);
    this.metric('RotationFailed', 'Count', 0, state.domain);
  }

  private async rollbackNow(state: DomainState, cfg: DomainConfig, reason: string) {
    state.stage = 'ROLLING_BACK';
    state.rotationReason = reason;
    state = await this.p.store.put(state);
    await this.doRollback(state, cfg, reason);
    state = await this.p.store.put(state);
    return {
      state,
      outcome: {
        domain: state.domain,
        outcome: state.stage === 'IDLE' ? 'rolled-back' : 'error',
        stage: state.stage,
        detail: reason,
      } as DomainOutcome,
    };
  }

  /** Switches back; never to a key whose record is not published. Idempotent (rerun repeats the SES call). */
  private async doRollback(state: DomainState, cfg: DomainConfig, reason: string) {
    const c = this.ctx(state.domain);
    const failed = state.current;
    let restored: string;
    if (state.previous) {
      const prev = state.previous;
      const found = compareTxt(
        await this.p.dns.resolveTxt(dkimTxtRecord(prev.selector, state.domain, prev.publicKey).name),
        prev.publicKey,
      );
      if (found.kind !== 'MATCH') {
        return this.rollbackImpossible(
          state,
          `${reason}; the previous selector ${prev.selector} is no longer published`,
        );
      }
      await this.signWith(state.domain, prev);
      state.current = prev;
      restored = `BYODKIM セレクター ${prev.selector}`;
    } else if (state.previousOrigin === 'AWS_SES') {
      await this.p.ses.putEasyDkim(state.domain);
      state.current = undefined;
      restored = 'Easy DKIM（AWS SES管理の鍵）';
    } else {
      return this.rollbackImpossible(state, reason);
    }
    if (failed && cfg.hostedZoneId) {
      const r = dkimTxtRecord(failed.selector, state.domain, failed.publicKey);
      await this.p.dnsPublisher.deleteTxt(cfg.hostedZoneId, r.name, route53Value(r));
    }
    // P1 notice before the stage changes: a failed publish makes the rerun repeat the (idempotent) rollback.
    await this.notifyOnce(state, 'rolled-back', () =>
      notices.rolledBack(c, reason, restored, cfg.hostedZoneId ? undefined : failed),
    );
    state.rejected = failed;
    state.previous = undefined;
    state.stage = 'IDLE';
    state.lastRotationFailedAt = this.p.clock.now().toISOString();
    state.nextRotationAt = addDays(this.p.clock.now(), this.t.retryAfterFailureDays).toISOString();
    this.metric('RotationFailed', 'Count', 1, state.domain);
  }

  private async rollbackImpossible(state: DomainState, reason: string) {
    await this.notifyOnce(state, 'rollback-impossible', () =>
      notices.rollbackImpossible(this.ctx(state.domain), reason),
    );
    state.stage = 'FAILED';
    state.lastRotationFailedAt = this.p.clock.now().toISOString();
    this.metric('RotationFailed', 'Count', 1, state.domain);
  }
}
