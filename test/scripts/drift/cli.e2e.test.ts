/** End to end: the drift CLI as a process against moto. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Moto, startMoto } from '../../support/moto.js';
import { generatedSceptreDir } from '../../support/templates.js';

describe('drift CLI against moto (no stacks exist)', () => {
  let moto: Moto;
  const FIXTURE = generatedSceptreDir();
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('reports each missing stack and exits 2 without a stack trace', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'drift-'));
    const run = spawnSync(
      process.execPath,
      [
        'scripts/run.mjs',
        'scripts/drift.ts',
        'dev',
        '--sceptre-dir',
        FIXTURE,
        '--environments-dir',
        'test/fixtures/environments',
        '--out-dir',
        outDir,
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          AWS_ENDPOINT_URL: moto.endpoint,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_REGION: 'ap-northeast-1',
        },
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(3);
    for (const stack of ['base', 'enhanced-kinesis', 'ses', 'monitoring', 'security', 'byodkim']) {
      expect(run.stdout).toContain(
        `| \`ses-migration-dev-${stack}\` | ➖ NOT_DEPLOYED | - | - | stack ses-migration-dev-${stack} does not exist (not deployed: nothing to compare) |`,
      );
    }
    expect(run.stdout).not.toContain('ERROR');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).toContain('drift: exit 3 (not deployed)');
  }, 60_000);
});
