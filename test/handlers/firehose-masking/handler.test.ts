import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firehoseEvent, personalData, resultJson, sesFixtures, sesRecordText } from './factories.js';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/** Imports a fresh copy of the handler module (it reads its environment at init, as on Lambda). */
async function loadHandler(env: Record<string, string | undefined>): Promise<Handler> {
  vi.resetModules();
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) vi.stubEnv(k, undefined as unknown as string);
    else vi.stubEnv(k, v);
  }
  return (await import('../../../handlers/firehose-masking/index.js')).handler;
}

let stdout: string[]; // stdout and stderr

beforeEach(() => {
  stdout = [];
  // powertools writes info and EMF to stdout, warnings to stderr
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The JSON lines written (powertools logs and EMF documents). */
function jsonLines(): Record<string, unknown>[] {
  return stdout
    .join('')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const fixtures = sesFixtures();

describe('firehose-masking handler', () => {
  it('masks every record of a Firehose event and answers ProcessingFailed for a non-JSON one', async () => {
    const handler = await loadHandler({ METRICS_NAMESPACE: 'ses-migration/production/Monitoring' });
    const event = firehoseEvent([
      ...fixtures.map((f) => ({ text: sesRecordText(f.event) })),
      { text: 'oops\n' },
    ]);

    const { records } = await handler(event);

    expect(records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(records.slice(0, -1).every((r) => r.result === 'Ok')).toBe(true);
    for (const r of records.slice(0, -1))
      expect(personalData(resultJson(r))).toEqual({ emails: [], ips: [] });
    expect(records.at(-1)).toEqual({
      recordId: event.records.at(-1)!.recordId,
      result: 'ProcessingFailed',
      data: event.records.at(-1)!.data,
    });
  });

  it('emits EMF metrics (records, failed) under METRICS_NAMESPACE', async () => {
    const handler = await loadHandler({ METRICS_NAMESPACE: 'ses-migration/production/Monitoring' });
    await handler(firehoseEvent([{ text: '{"a":"taro@example.com"}\n' }, { text: '{' }, { data: '%%%' }]));

    const emf = jsonLines().find((l) => '_aws' in l)!;
    expect(emf).toBeDefined();
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'ses-migration/production/Monitoring',
            Dimensions: [['service']],
            Metrics: expect.arrayContaining([
              { Name: 'MaskingRecords', Unit: 'Count' },
              { Name: 'MaskingFailedRecords', Unit: 'Count' },
            ]),
          },
        ],
      },
      service: 'firehose-masking',
      MaskingRecords: 3,
      MaskingFailedRecords: 2,
    });
  });

  it('logs counts only, never record contents', async () => {
    const handler = await loadHandler({ METRICS_NAMESPACE: 'ses-migration/production/Monitoring' });
    const texts = fixtures.map((f) => sesRecordText(f.event));
    await handler(
      firehoseEvent([...texts.map((text) => ({ text })), { text: 'taro.yamada@example.co.jp 203.0.113.45' }]),
    );

    const log = jsonLines().find((l) => l.message !== undefined)!;
    expect(log).toMatchObject({ level: 'WARN', records: texts.length + 1, failed: 1, notJson: 1 });
    const written = stdout.join('');
    for (const secret of ['taro', 'yamada', 'hanako', 'ops-team', '203.0.113', '198.51.100', '2001:db8']) {
      expect(written).not.toContain(secret);
    }
  });

  it('works without METRICS_NAMESPACE (tests, local runs)', async () => {
    const handler = await loadHandler({
      METRICS_NAMESPACE: undefined,
      POWERTOOLS_METRICS_NAMESPACE: undefined,
    });
    const { records } = await handler(firehoseEvent([{ text: '{"a":"taro@example.com"}' }]));
    expect(records[0]?.result).toBe('Ok');
    expect(jsonLines().some((l) => '_aws' in l)).toBe(true);
  });
});
