/** A "復旧" (OK) reaches people only when it follows an ALARM: never after INSUFFICIENT_DATA (a new alarm's first look). */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadEscalateConfig } from '../../../contracts/functions/notifier.js';
import { isDeliveredStateChange } from '../../../handlers/notifier/format.js';
import { notifyRecords } from '../../../handlers/notifier/service.js';
import { ALARM_TOPICS, alarmMessage, notifierEnv, snsEvent } from './factories.js';

const sns = mockClient(SNSClient);
const logged: string[] = [];
const log = { info: (m: string) => logged.push(m), warn() {}, error() {} };

async function deliver(
  oldState: string,
  fixture: 'metric-alarm-ok' | 'metric-alarm-alarm' = 'metric-alarm-ok',
) {
  const body = JSON.parse(alarmMessage(fixture));
  body.OldStateValue = oldState;
  await notifyRecords(
    snsEvent(JSON.stringify(body), ALARM_TOPICS.P2).Records,
    loadEscalateConfig(notifierEnv()),
    {
      sns: new SNSClient({}),
      cloudwatch: new CloudWatchClient({}),
      log,
    },
  );
  return sns.commandCalls(PublishCommand).length;
}

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  logged.length = 0;
});

describe('recovery notices', () => {
  it('delivers OK after ALARM (a real recovery)', async () => {
    expect(await deliver('ALARM')).toBeGreaterThan(0);
  });
  it('does not deliver OK after INSUFFICIENT_DATA, and logs why', async () => {
    expect(await deliver('INSUFFICIENT_DATA')).toBe(0);
    expect(logged).toContain('alarm state change not delivered: OK after INSUFFICIENT_DATA recovers nothing');
  });
  it('still delivers ALARM after INSUFFICIENT_DATA', async () => {
    expect(await deliver('INSUFFICIENT_DATA', 'metric-alarm-alarm')).toBeGreaterThan(0);
  });
  it('decides on the states alone', () => {
    expect(isDeliveredStateChange('OK', 'ALARM')).toBe(true);
    expect(isDeliveredStateChange('OK', 'INSUFFICIENT_DATA')).toBe(false);
    expect(isDeliveredStateChange('ALARM', 'INSUFFICIENT_DATA')).toBe(true);
    expect(isDeliveredStateChange('INSUFFICIENT_DATA', 'OK')).toBe(true);
  });
});
