import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleHandler } from '../../../scripts/lib/bundle.js';
import { firehoseEvent, personalData, resultJson, sesFixtures, sesRecordText, unb64 } from './factories.js';

type Handler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

// Built by the same bundler as `npm run generate` (scripts/lib/bundle.ts), in a scratch copy of the repository,
// so this is the dist/handlers/firehose-masking/index.mjs that is zipped and deployed.
let dir: string;
let handler: Handler;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firehose-masking-bundle-'));
  for (const d of ['handlers', 'node_modules', 'package.json', 'tsconfig.json'])
    symlinkSync(resolve(d), join(dir, d));
  await bundleHandler(dir, 'firehose-masking');
  const outfile = join(dir, 'dist', 'handlers', 'firehose-masking', 'index.mjs');
  vi.stubEnv('METRICS_NAMESPACE', 'ses-migration/production/Monitoring');
  handler = ((await import(pathToFileURL(outfile).href)) as { handler: Handler }).handler;
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('bundled firehose-masking handler (esbuild ESM)', () => {
  it('answers a standard Firehose transformation event of SES records', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const fixtures = sesFixtures();
    const event = firehoseEvent([
      ...fixtures.map((f) => ({ text: sesRecordText(f.event) })),
      { text: 'not json\n' },
    ]);

    const { records } = await handler(event);
    vi.restoreAllMocks();

    expect(records).toHaveLength(event.records.length);
    expect(records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    for (const [i, f] of fixtures.entries()) {
      const r = records[i]!;
      expect(r.result).toBe('Ok');
      const out = unb64(r.data);
      expect(out.endsWith('\n')).toBe(true);
      expect(personalData(resultJson(r))).toEqual({ emails: [], ips: [] });
      for (const secret of [...personalData(f.event).emails, ...personalData(f.event).ips]) {
        expect(out).not.toContain(secret);
      }
      expect(out).toContain('t***@example***.***');
      expect(out).toContain('"timestamp":"2024-06-03T01:02:03.456Z"');
      expect(out).toContain('"messageId":"010e0190a1b2c3d4-5e6f7a8b-1234-4cde-9f01-23456789abcd-000000"');
    }
    const raw = event.records.at(-1)!;
    expect(records.at(-1)).toEqual({ recordId: raw.recordId, result: 'ProcessingFailed', data: raw.data });
  });
});
