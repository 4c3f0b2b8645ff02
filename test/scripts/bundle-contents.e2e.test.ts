/**
 * What each Lambda bundle carries (esbuild metafile, written next to the zip by the bundler): only the SDK
 * clients of the ports its function wires, no full zod, the credential chain reduced to the environment, and
 * class names kept so errors read as written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BundleContents, bundleHandler } from '../../scripts/lib/bundle.js';

const root = mkdtempSync(join(tmpdir(), 'bundle-contents-'));
for (const d of ['contracts', 'lib', 'handlers', 'scripts', 'node_modules', 'package.json', 'tsconfig.json'])
  if (existsSync(d)) symlinkSync(resolve(d), join(root, d));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// client-s3: the BYODKIM functions read their domain list from the deploy-time configuration object (#14).
const ENGINE = [
  'client-dynamodb',
  'client-kms',
  'client-route-53',
  'client-s3',
  'client-sesv2',
  'client-sns',
];

async function contents(name: string): Promise<BundleContents> {
  const b = await bundleHandler(root, name);
  return JSON.parse(readFileSync(`${b.zipPath}.contents.json`, 'utf8')) as BundleContents;
}

describe('per-function Lambda bundles', () => {
  it.each([
    ['byodkim/notification-manager', ['client-sns']],
    ['byodkim/validation-monitor', ['client-dynamodb', 'client-kms', 'client-s3', 'client-sesv2']],
    ['byodkim/dkim-rotation-orchestrator', ENGINE],
    ['byodkim/dkim-key-generator', ENGINE],
    ['byodkim/ses-config-updater', ENGINE],
    // One Logs Insights query per run for the per-domain rates (issue #14).
    ['metrics', ['client-cloudwatch', 'client-cloudwatch-logs']],
    // The notifier keeps its alarm episodes (acknowledgements, re-notifications) in DynamoDB, and reads the
    // metrics function's worst-domain records (CloudWatch Logs) to name the domains of a worst-domain alarm.
    ['notifier', ['client-cloudwatch', 'client-cloudwatch-logs', 'client-dynamodb', 'client-sns']],
    ['drift-detection', ['client-cloudformation', 'client-s3', 'client-sns']],
    ['firehose-masking', []],
  ])(
    '%s carries only the SDK clients %j, no zod, no STS/SSO credential clients',
    async (name, clients) => {
      const c = await contents(name);
      expect(c.sdkClients).toEqual(clients);
      expect(
        Object.keys(c.bytesBy).filter((k) => k === 'zod' || k.startsWith('@aws-sdk/nested-clients')),
      ).toEqual([]);
      expect(
        Object.keys(c.bytesBy).filter((k) => /credential-provider-(ini|sso|node|process)/.test(k)),
      ).toEqual([]);
    },
    60_000,
  );

  it('drift-detection runs lib/drift: no yaml, nothing from scripts/', async () => {
    const c = await contents('drift-detection');
    expect(c.sdkClients).toEqual(['client-cloudformation', 'client-s3', 'client-sns']);
    const keys = Object.keys(c.bytesBy);
    expect(keys.filter((k) => k === 'yaml' || k.includes('scripts'))).toEqual([]);
  }, 60_000);

  it('keeps class names: a configuration error in the bundle is named ConfigurationError, not a minified name', async () => {
    await bundleHandler(root, 'byodkim/notification-manager');
    const mod = (await import(
      join(root, 'dist', 'handlers', 'byodkim', 'notification-manager', 'index.mjs')
    )) as {
      handler: (e: unknown) => Promise<unknown>;
    };
    const saved = process.env.ENVIRONMENT;
    delete process.env.ENVIRONMENT;
    try {
      await expect(mod.handler({ action: 'test' })).rejects.toMatchObject({
        name: 'ConfigurationError',
        message: expect.stringContaining('ENVIRONMENT is missing'),
      });
    } finally {
      if (saved !== undefined) process.env.ENVIRONMENT = saved;
    }
  }, 60_000);
});
