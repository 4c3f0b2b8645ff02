import { describe, expect, it } from 'vitest';
import { BYODKIM_ITEM, BYODKIM_STATE_KEY, decodeByodkimStateItem } from '../../contracts/byodkim-state.js';

describe('BYODKIM state codec (one reader for status, reports and the handlers)', () => {
  const state = {
    domain: 'goo.ne.jp',
    stage: 'AWAITING_VERIFICATION',
    current: {
      selector: 'ses20271201',
      privateKeyCiphertext: 'CIPHER',
      publicKey: 'PUBLIC',
      createdAt: '2027-12-01T00:00:00.000Z',
    },
    previous: {
      selector: 'ses20261201',
      privateKeyCiphertext: 'OLDCIPHER',
      publicKey: 'OLDPUB',
      createdAt: '2026-12-01T00:00:00.000Z',
    },
    switchedAt: '2027-12-01T02:00:00.000Z',
    nextRotationAt: '2028-12-01T02:00:00.000Z',
    nextRotationKind: 'schedule',
    completedRotations: 3,
    lastError: {
      stage: 'AWAITING_VERIFICATION',
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      at: 'x',
    },
    intent: { effect: 'signWith', selector: 'ses20271201', at: '2027-12-01T02:00:00.000Z' },
    sent: [],
    attempts: {},
  };
  const item = {
    [BYODKIM_ITEM.key]: { S: BYODKIM_STATE_KEY('goo.ne.jp') },
    [BYODKIM_ITEM.version]: { N: '7' },
    [BYODKIM_ITEM.stage]: { S: 'AWAITING_VERIFICATION' },
    [BYODKIM_ITEM.updatedAt]: { S: '2027-12-01T02:00:01.000Z' },
    [BYODKIM_ITEM.state]: { S: JSON.stringify(state) },
  };

  it('reads the public fields and never key material', () => {
    const v = decodeByodkimStateItem(item)!;
    expect(v).toMatchObject({
      stage: 'AWAITING_VERIFICATION',
      selector: 'ses20271201',
      keyCreatedAt: '2027-12-01T00:00:00.000Z',
      nextRotationAt: '2028-12-01T02:00:00.000Z',
      completedRotations: 3,
      lastError: 'ThrottlingException: Rate exceeded',
      pendingEffect: 'signWith ses20271201 since 2027-12-01T02:00:00.000Z',
    });
    expect(JSON.stringify(v)).not.toMatch(/CIPHER|PUBLIC|OLDPUB/);
    expect(item.pk.S).toBe('state#goo.ne.jp');
  });

  it('no item: undefined; unreadable JSON: the stage attribute still shows', () => {
    expect(decodeByodkimStateItem(undefined)).toBeUndefined();
    const v = decodeByodkimStateItem({ ...item, [BYODKIM_ITEM.state]: { S: '{not json' } })!;
    expect(v.stage).toBe('AWAITING_VERIFICATION');
    expect(v.completedRotations).toBe(0);
  });
});
