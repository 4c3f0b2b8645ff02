/**
 * The --html page opens in a browser: generated from a seeded day of dev history in moto, loaded from disk in
 * headless Chromium (Debian package `chromium`) with no network, every chart drawn by the inlined uPlot.
 * A screenshot is left in reports/backtest-dev.png for people to look at.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestMain } from '../../../scripts/backtest/cli.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { FIXTURE_ENV_DIR, generatedSceptreDir } from '../../support/templates.js';
import { END, seededHistory } from './history.js';

const CHROMIUM = ['chromium', '--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars'];

describe('backtest --html in headless Chromium', () => {
  let moto: Moto;
  const page = join(mkdtempSync(join(tmpdir(), 'backtest-')), 'dev.html');
  let json: { alarm: string }[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    const cw = new CloudWatchClient(motoClientConfig(moto.endpoint));
    const data = seededHistory();
    for (let i = 0; i < data.length; i += 500) {
      const chunk = data.slice(i, i + 500);
      for (const ns of new Set(chunk.map((d) => d.ns))) {
        await cw.send(
          new PutMetricDataCommand({
            Namespace: ns,
            MetricData: chunk
              .filter((d) => d.ns === ns)
              .map((d) => ({ MetricName: d.name, Timestamp: new Date(d.t), Value: d.value })),
          }),
        );
      }
    }
    let out = '';
    const code = await backtestMain(
      [
        'dev',
        '--json',
        '--html',
        page,
        '--end',
        new Date(END).toISOString(),
        '--environments-dir',
        FIXTURE_ENV_DIR,
        '--sceptre-dir',
        generatedSceptreDir(),
      ],
      {
        stdout: (t) => {
          out += t;
        },
        stderr: () => {},
        callerAccount: async () => '123456789012',
        cloudwatch: () => new CloudWatchClient(motoClientConfig(moto.endpoint)),
        now: () => END,
        sleep: async () => {},
      },
    );
    expect(code).toBe(0);
    json = JSON.parse(out);
  }, 120_000);
  afterAll(async () => moto?.stop());

  it('is one self-contained file: no script, stylesheet or image is fetched from anywhere', () => {
    const html = readFileSync(page, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|url\(http/);
    expect(html).toContain('uPlot');
  });

  it('draws a chart for every alarm when opened from disk', () => {
    const dom = execFileSync(
      CHROMIUM[0]!,
      [...CHROMIUM.slice(1), '--virtual-time-budget=5000', '--dump-dom', `file://${page}`],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 90_000,
      },
    );
    expect(dom).toContain(`data-rendered="${json.length}"`);
    expect((dom.match(/class="uplot/g) ?? []).length).toBe(json.length);
    mkdirSync('reports', { recursive: true });
    execFileSync(
      CHROMIUM[0]!,
      [
        ...CHROMIUM.slice(1),
        '--window-size=1200,2600',
        '--virtual-time-budget=5000',
        `--screenshot=${resolve('reports/backtest-dev.png')}`,
        `file://${page}`,
      ],
      { stdio: 'ignore', timeout: 90_000 },
    );
  }, 200_000);
});
