import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Moto, startMoto } from '../../support/moto.js';

const SDK_NOISE =
  /NodeVersionSupportWarning|versions published|require node|To continue|security updates|a\.co\/|trace-warnings/;

function runCli(endpoint: string, args: string[]) {
  return spawnSync(process.execPath, ['scripts/run.mjs', 'scripts/status.ts', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'ap-northeast-1',
    },
    timeout: 60_000,
  });
}

describe('status CLI against an empty moto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => moto?.stop());

  it('prints every section and says what it could not read', () => {
    const run = runCli(moto.endpoint, ['dev', '--environments-dir', 'test/fixtures/environments']);
    expect(run.stdout).toContain('ses-migration status: dev (development, ap-northeast-1)');
    for (const title of [
      '== Alarms in ALARM [OK]',
      '== SES account [NOT READ]',
      '== SES reputation and volume (last 24 h) [OK]',
      '== DKIM per domain [ATTENTION]',
      '== BYODKIM key and rotation [NOT READ]',
      '== Bounces and complaints (last 60 min, masked) [NOT READ]',
      '== Next scheduled DKIM rotation [NOT READ]',
    ]) {
      expect(run.stdout).toContain(title);
    }
    expect(run.stdout).toContain('stack ses-migration-dev-byodkim does not exist (BYODKIM not deployed)');
    expect(run.stdout).toContain('log group /aws/ses/events/development does not exist');
    expect(run.stdout).toContain('dev.goo.ne.jp            identity not found in SES');
    expect(run.stdout).toMatch(
      /^Could not read: SES account; BYODKIM key and rotation; .+; Next scheduled DKIM rotation$/m,
    );
    expect(run.status).toBe(1); // the domain has no SES identity: attention
    expect(run.stderr.split('\n').filter((l) => l && !SDK_NOISE.test(l))).toEqual([]);
  }, 60_000);

  it('exits 2 with one line for a usage error', () => {
    const run = runCli(moto.endpoint, ['dev', '--since-minutes', 'soon']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "status: --since-minutes must be a whole number from 1 to 10080, got 'soon'",
    );
  }, 60_000);
});
