/**
 * Rotation state storage: the StateStore port in memory (tests, local runs). The DynamoDB implementation is
 * the adapter handlers/byodkim/aws/dynamodb.ts (re-exported here for existing imports).
 */
import { ConcurrentModificationError } from './errors.js';
import type { StateStore } from './ports.js';
import type { DomainState } from './types.js';

export { DynamoStateStore } from '../aws/dynamodb.js';

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Same semantics in memory (tests, local runs). */
export class InMemoryStateStore implements StateStore {
  readonly states = new Map<string, DomainState>();
  readonly locks = new Map<string, { owner: string; expiresAt: number }>();
  cursor: string | undefined;

  async getCursor() {
    return this.cursor;
  }

  async putCursor(domain: string | undefined) {
    this.cursor = domain;
  }

  async get(domain: string) {
    const s = this.states.get(domain);
    return s ? clone(s) : undefined;
  }

  async put(state: DomainState) {
    const stored = this.states.get(state.domain);
    if ((stored?.version ?? 0) !== state.version) {
      throw new ConcurrentModificationError(
        `state of ${state.domain} changed since version ${state.version} was read; rerun to continue from the stored state`,
      );
    }
    const next = { ...clone(state), version: state.version + 1 };
    this.states.set(state.domain, clone(next));
    return next;
  }

  async acquireLock(domain: string, owner: string, nowMs: number, expiresAtMs: number) {
    const l = this.locks.get(domain);
    if (l && l.expiresAt >= nowMs) return false;
    this.locks.set(domain, { owner, expiresAt: expiresAtMs });
    return true;
  }

  async releaseLock(domain: string, owner: string) {
    if (this.locks.get(domain)?.owner === owner) this.locks.delete(domain);
  }
}
