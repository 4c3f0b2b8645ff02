/**
 * Rotation state storage. DynamoDB table (key attribute `pk`, string):
 *   state item  pk = `state#<domain>`: version (N), stage (S), updatedAt (S), state (S, JSON of DomainState)
 *   lock item   pk = `lock#<domain>`:  lockOwner (S), expiresAt (N, epoch ms)
 *   cursor item pk = `cursor#tick`:     next (S, the domain the next tick starts with; absent: the first)
 * Writes are conditional on the version read (optimistic concurrency); the lock is a conditional put with
 * a lease, so a crashed run's lock expires by itself.
 */

import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { BYODKIM_CURSOR_KEY, BYODKIM_LOCK_KEY, BYODKIM_STATE_KEY } from '../../../contracts/byodkim-state.js';
import { dynamodbClient } from '../../shared/clients/dynamodb.js';
import { ConcurrentModificationError } from '../core/errors.js';
import type { StateStore } from '../core/ports.js';
import type { DomainState } from '../core/types.js';

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

const stateKey = BYODKIM_STATE_KEY;
const lockKey = BYODKIM_LOCK_KEY;

export class DynamoStateStore implements StateStore {
  constructor(private readonly table: string) {}

  async get(domain: string): Promise<DomainState | undefined> {
    const out = await dynamodbClient().send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: { S: stateKey(domain) } },
        ConsistentRead: true,
      }),
    );
    const raw = out.Item?.state?.S;
    if (!out.Item || raw === undefined) return undefined;
    const state = JSON.parse(raw) as DomainState;
    state.version = Number(out.Item.version?.N ?? '0');
    return state;
  }

  async put(state: DomainState): Promise<DomainState> {
    const next = { ...clone(state), version: state.version + 1 };
    const { version: _omit, ...body } = next;
    try {
      await dynamodbClient().send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: stateKey(state.domain) },
            version: { N: String(next.version) },
            stage: { S: next.stage },
            updatedAt: { S: new Date().toISOString() },
            state: { S: JSON.stringify(body) },
          },
          ...(state.version === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':v': { N: String(state.version) } },
              }),
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new ConcurrentModificationError(
          `state of ${state.domain} changed since version ${state.version} was read; rerun to continue from the stored state`,
          { cause: err },
        );
      }
      throw err;
    }
    return next;
  }

  async acquireLock(domain: string, owner: string, nowMs: number, expiresAtMs: number): Promise<boolean> {
    try {
      await dynamodbClient().send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: lockKey(domain) },
            lockOwner: { S: owner },
            expiresAt: { N: String(expiresAtMs) },
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #e < :now',
          ExpressionAttributeNames: { '#e': 'expiresAt' },
          ExpressionAttributeValues: { ':now': { N: String(nowMs) } },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async releaseLock(domain: string, owner: string): Promise<void> {
    try {
      await dynamodbClient().send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: lockKey(domain) } },
          ConditionExpression: '#o = :o',
          ExpressionAttributeNames: { '#o': 'lockOwner' },
          ExpressionAttributeValues: { ':o': { S: owner } },
        }),
      );
    } catch (err) {
      // Lease expired and someone else took it: not ours to delete.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async getCursor(): Promise<string | undefined> {
    const out = await dynamodbClient().send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: { S: BYODKIM_CURSOR_KEY } },
        ConsistentRead: true,
      }),
    );
    return out.Item?.next?.S;
  }

  async putCursor(domain: string | undefined): Promise<void> {
    if (domain === undefined) {
      await dynamodbClient().send(
        new DeleteItemCommand({ TableName: this.table, Key: { pk: { S: BYODKIM_CURSOR_KEY } } }),
      );
      return;
    }
    await dynamodbClient().send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: { S: BYODKIM_CURSOR_KEY },
          next: { S: domain },
          updatedAt: { S: new Date().toISOString() },
        },
      }),
    );
  }
}
