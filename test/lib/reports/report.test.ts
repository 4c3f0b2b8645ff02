/**
 * Every cadence rendered from recorded API answers (test/support/report-world.ts, served by aws-sdk-client-mock
 * through the real adapters); the figures are checked against values computed by hand from that world.
 */

import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHART_PICKS } from '../../../lib/reports/charts.js';
import { runReport } from '../../../lib/reports/deliver.js';
import { buildMime, encodeHeader } from '../../../lib/reports/mime.js';
import { periodContaining } from '../../../lib/reports/period.js';
import { renderHtml, renderText } from '../../../lib/reports/render.js';
import { buildReport } from '../../../lib/reports/report.js';
import type { Block, Section } from '../../../lib/reports/types.js';
import { memorySinks, NOW, P, type World, world } from '../../support/report-world.js';

let w: World;
beforeEach(() => {
  w = world();
});
afterEach(() => w.restore());

const table = (s: Section | undefined, i: number) =>
  s?.blocks.filter((b) => b.kind === 'table')[i] as Extract<Block, { kind: 'table' }>;
const section = (sections: readonly Section[], id: string) => sections.find((s) => s.id === id);

describe('daily report', () => {
  it('sending summary: account counts, rates against the tiers, domains worst first (hand-computed)', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('daily', '2026-12-01'), w.sources, NOW);
    // goo.ne.jp 8000/7920/40/1/2 + mail.goo.ne.jp 4000/3930/56/2/2 (week 0: 56 bounces a day)
    expect(model.figures.sending).toMatchObject({
      account: {
        Send: 12000,
        Delivery: 11850,
        Bounce: 96,
        Complaint: 3,
        Reject: 4,
        bounceRate: 0.8,
        sendSuccessRate: 98.75,
      },
    });
    const s = section(model.sections, 'sending');
    expect(table(s, 0).rows[0]).toEqual([
      'アカウント全体',
      '12,000',
      '11,850',
      '96',
      '3',
      '4',
      '—',
      '98.75%',
      '0.80%',
      '0.025%',
    ]);
    // 0.8 % bounce is under P3 (1 %); 0.025 % complaints pass P3 (0.01 %) not P2 (0.05 %); 98.75 % success is under P3 (99 %)
    expect(table(s, 1).rows.map((r) => r[3])).toEqual(['閾値内', 'P3 閾値超過', 'P3 閾値超過']);
    // mail.goo.ne.jp 56/4000 = 1.40 % before goo.ne.jp 40/8000 = 0.50 %
    expect(table(s, 2).rows.map((r) => [r[0], r[8], r[6]])).toEqual([
      ['mail.goo.ne.jp', '1.40%', '3'],
      ['goo.ne.jp', '0.50%', '5'],
    ]);
    expect(table(s, 2).marks).toEqual(['bad', 'bad']); // 1.4 % > P3 bounce; 1/8000 = 0.0125 % > P3 complaint
  });

  it('bounce detail, performance and alarms of the day with durations; P3 listed for review', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('daily', '2026-12-01'), w.sources, NOW);
    const bounces = section(model.sections, 'bounces');
    expect(table(bounces, 2).rows[0]).toEqual([
      '2026-12-01 12:04 JST',
      'Bounce',
      'Permanent',
      't***@***.***',
      'mail.goo.ne.jp',
    ]);
    expect(JSON.stringify(bounces)).not.toMatch(/[a-z]+@example\.com/);
    const perf = model.figures.performance as {
      latencyMs: unknown;
      functions: { fn: string; errors: number }[];
    };
    expect(perf.latencyMs).toEqual({ p50: 850, p90: 2400, p99: 9100 });
    expect(table(section(model.sections, 'performance'), 1).rows[0]).toEqual([
      'notifier',
      '300',
      '2',
      '0',
      '121',
      '850',
    ]);
    const alarms = section(model.sections, 'alarms');
    expect(table(alarms, 0).rows).toEqual([
      ['P1', 'ses-critical', '2026-12-01 23:00 JST', '継続中', '1時間0分'],
      [
        'P2',
        'ses-send-failure-p2',
        '2026-12-01 00:00 JST（前期間から継続）',
        '2026-12-01 01:30 JST',
        '1時間30分',
      ],
      ['P3', 'bounce-rate-p3', '2026-12-01 10:00 JST', '2026-12-01 10:45 JST', '45分'],
    ]);
  });

  it('PII access: unmasked reads of the day from CloudTrail, queries masked, refused calls marked', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('daily', '2026-12-01'), w.sources, NOW);
    const pii = section(model.sections, 'pii');
    expect(pii?.status).toBe('ok');
    // 3 logs events recorded, 2 revealed (or tried to reveal) PII: the plain query without unmask() is not one
    expect(model.figures.piiAccess).toEqual({ unmaskedReads: 2, denied: 1 });
    expect(table(pii, 0).rows).toEqual([
      [
        '2026-12-01 14:00 JST',
        `arn:aws:sts::123456789012:assumed-role/${P}-monitoring-readonly/bob`,
        'GetLogEvents unmask=true（拒否: AccessDenied）',
        '/aws/ses/events',
        '—',
      ],
      [
        '2026-12-01 11:30 JST',
        `arn:aws:sts::123456789012:assumed-role/${P}-admin/alice`,
        'StartQuery with unmask()',
        '/aws/ses/events',
        'fields unmask(@message) | filter @message like "[email]"',
      ],
    ]);
    expect(JSON.stringify(model)).not.toContain('taro@example.com');
  });

  it('a source that does not exist makes its section say so instead of inventing data', async () => {
    const { piiAccess: _none, ...without } = w.sources;
    const { model } = await buildReport(w.cfg, periodContaining('daily', '2026-12-01'), without, NOW);
    expect(section(model.sections, 'pii')?.status).toBe('missing');
    expect(model.summary).toMatch(/未取得のセクション: 個人情報アクセスログ/);
    expect(renderText(model)).toMatch(
      /このセクションは作成できませんでした: 個人情報アクセス監査のデータソース/,
    );
  });

  it('a failing data source makes only its sections missing, naming the error', async () => {
    w.mocks.cw
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { model } = await buildReport(w.cfg, periodContaining('daily', '2026-12-01'), w.sources, NOW);
    const missing = model.sections.filter((s) => s.status === 'missing').map((s) => [s.id, s.reason]);
    expect(missing).toEqual(
      expect.arrayContaining([
        ['sending', expect.stringContaining('ThrottlingException: Rate exceeded')],
        ['performance', expect.stringContaining('ThrottlingException')],
      ]),
    );
    expect(section(model.sections, 'alarms')?.status).toBe('ok');
    expect(section(model.sections, 'bounces')?.status).toBe('ok');
  });

  it('chart requests are the dashboard widgets: same metric definitions, only time range and size overridden', async () => {
    const p = periodContaining('daily', '2026-12-01');
    const { images } = await buildReport(w.cfg, p, w.sources, NOW);
    expect(images.map((i) => i.id)).toEqual(CHART_PICKS.map((c) => c.id));
    const widgets = (
      w.dashboardBody.widgets as { type: string; properties: { metrics?: unknown[][]; title: string } }[]
    ).filter((x) => x.type === 'metric');
    for (const req of w.widgetRequests) {
      const source = widgets.find((x) => x.properties.title === req.title);
      expect(source, String(req.title)).toBeDefined();
      expect(req.metrics).toEqual(source!.properties.metrics);
      expect(req).toMatchObject({
        start: p.start.toISOString(),
        end: p.end.toISOString(),
        timezone: '+0900',
      });
    }
    expect(w.widgetRequests).toHaveLength(CHART_PICKS.length);
  });
});

describe('weekly report', () => {
  it('trend: the week against the previous four, per domain (hand-computed)', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('weekly', '2026-11-30'), w.sources, NOW);
    // mail.goo.ne.jp: 24, 32, 40, 48, 56 bounces a day on 4000 sends: 0.6 .. 1.4 %
    const trend = section(model.sections, 'trend');
    expect(table(trend, 1).rows.find((r) => r[0] === 'mail.goo.ne.jp')).toEqual([
      'mail.goo.ne.jp',
      '0.60%',
      '0.80%',
      '1.00%',
      '1.20%',
      '1.40%',
      '+55.6%', // 1.4 / mean(0.6, 0.8, 1.0, 1.2) = 1.4 / 0.9
    ]);
    expect(table(trend, 0).rows[0]).toEqual([
      '送信数',
      '84,000',
      '84,000',
      '84,000',
      '84,000',
      '84,000',
      '+0.0%',
    ]);
  });

  it('improvement proposals fire from explainable rules: rising domain, flapping alarm, success under P3', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('weekly', '2026-11-30'), w.sources, NOW);
    const { findings } = model.figures.proposals as { findings: string[] };
    expect(findings).toHaveLength(3);
    expect(findings[0]).toMatch(/^mail\.goo\.ne\.jp: バウンス率が3週連続で上昇.*1\.00% → 1\.20% → 1\.40%/);
    expect(findings[1]).toMatch(new RegExp(`^${P}-complaint-rate-p3: 今週 5 回 ALARM`));
    expect(findings[2]).toMatch(/送信成功率 98\.75% が P3 閾値 99%/);
  });

  it('compliance status: retention per log group, findings, drift, BYODKIM key age, audit trail', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('weekly', '2026-11-30'), w.sources, NOW);
    const rows = table(section(model.sections, 'compliance'), 0).rows;
    const row = (prefix: string) => rows.find((r) => String(r[0]).startsWith(prefix));
    expect(row('保持期間 /aws/kinesisfirehose')?.[2]).toBe('NG');
    expect(row('保持期間 /aws/ses/events')?.[2]).toBe('OK');
    expect(row('データ保護の検出')?.[1]).toMatch(/^7 件/);
    expect(row('CloudFormation ドリフト')).toEqual([
      'CloudFormation ドリフト',
      '2026-11-30 実行: security=DRIFTED',
      'NG',
    ]);
    // key created 2026-11-10T01:00Z, now 2026-12-07T00:00Z: 26 full days
    expect(row('BYODKIM goo.ne.jp')?.[1]).toBe(
      '段階 IDLE、鍵 goo-202611（26 日経過）、次回ローテーション 2027-11-10',
    );
    expect(row('監査証跡')?.[2]).toBe('OK');
  });
});

describe('monthly report', () => {
  it('month statistics against the previous month (hand-computed)', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('monthly', '2026-11-01'), w.sources, NOW);
    // November: goo 40 × 30 = 1200; mail.goo 24 (1st) + 24×7 + 32×7 + 40×7 + 48×7 + 56 (30th) = 1088
    expect(model.figures.sending).toMatchObject({ account: { Send: 360000, Bounce: 2288 } });
    // October: 31 days × (40 + 24)
    expect(model.figures.previousMonth).toMatchObject({ Send: 372000, Bounce: 1984 });
  });

  it('cost: project tag against the previous month, untagged share shown, no invented estimate', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('monthly', '2026-11-01'), w.sources, NOW);
    const cost = model.figures.cost as Record<
      string,
      { project: number; untagged: number; all: number } | number | string
    >;
    expect(cost.current).toEqual({ project: 146.85, untagged: 48.15, all: 195 });
    expect((cost.previous as { project: number }).project).toBeCloseTo(133.7, 10);
    expect(cost.untaggedSharePercent).toBeCloseTo((100 * 48.15) / 195, 10);
    expect(cost.estimate).toMatch(/未接続です: npm run cost/);
  });

  it('security audit keeps project changes, KMS policy changes and root sign-in; drops unrelated IAM events', async () => {
    const { model } = await buildReport(w.cfg, periodContaining('monthly', '2026-11-01'), w.sources, NOW);
    const rows = table(section(model.sections, 'security'), 0).rows;
    expect(rows.map((r) => r[1])).toEqual(['PutRolePolicy', 'PutKeyPolicy', 'ConsoleLogin']);
    expect(model.figures.security).toEqual({ events: 3, root: 1, consoleLogins: 1 });
    // IAM and console events are looked up in us-east-1
    const regions = await Promise.all(
      w.mocks.ct
        .commandCalls(LookupEventsCommand)
        .map(async (c) => [
          c.args[0].input.LookupAttributes?.[0]?.AttributeValue,
          await (c.thisValue as { config: { region: () => Promise<string> } }).config.region(),
        ]),
    );
    expect(regions).toEqual(
      expect.arrayContaining([
        ['iam.amazonaws.com', 'us-east-1'],
        ['ConsoleLogin', 'us-east-1'],
        ['PutKeyPolicy', 'ap-northeast-1'],
      ]),
    );
  });

  it('the BYODKIM yearly summary appears in the month of a completed rotation only', async () => {
    const nov = await buildReport(w.cfg, periodContaining('monthly', '2026-11-01'), w.sources, NOW);
    expect(section(nov.model.sections, 'byodkim-year')?.status).toBe('ok');
    const oct = await buildReport(w.cfg, periodContaining('monthly', '2026-10-01'), w.sources, NOW);
    expect(section(oct.model.sections, 'byodkim-year')).toBeUndefined();
    expect(section(oct.model.sections, 'japan')?.status).toBe('ok');
  });
});

describe('delivery', () => {
  it('archives HTML, text and figures, mails through the report configuration set, posts the summary to P3', async () => {
    const out = memorySinks();
    const result = await runReport(
      w.cfg,
      { cadence: 'daily', date: '2026-12-01' },
      { sources: w.sources, sinks: out.sinks, now: () => NOW },
    );
    expect(result).toMatchObject({
      status: 'sent',
      period: '2026-12-01',
      prefix: 'reports/daily/2026-12-01/',
      missingSections: [],
    });
    expect([...out.objects.keys()].sort()).toEqual(
      ['delivery.json', 'figures.json', 'report.html', 'report.txt'].map(
        (k) => `reports/daily/2026-12-01/${k}`,
      ),
    );
    const figures = JSON.parse(String(out.objects.get('reports/daily/2026-12-01/figures.json')));
    expect(figures.figures.sending.account.Send).toBe(12000);
    expect(out.mails).toHaveLength(1);
    expect(out.mails[0]).toMatchObject({
      from: 'ses-reports@goo.ne.jp',
      to: ['ops@goo.ne.jp'],
      set: `${P}-reports`,
    });
    expect(out.published).toHaveLength(1);
    expect(out.published[0]!.message).toContain('reports/daily/2026-12-01/report.html');
    expect(out.published[0]!.message).toContain('送信 12,000 件');
  });

  it('never sends a period twice; a missed period is re-run by its date', async () => {
    const out = memorySinks();
    const deps = { sources: w.sources, sinks: out.sinks, now: () => NOW };
    await runReport(w.cfg, { cadence: 'daily', date: '2026-12-01' }, deps);
    const again = await runReport(w.cfg, { cadence: 'daily', date: '2026-12-01' }, deps);
    expect(again.status).toBe('already-sent');
    expect(out.mails).toHaveLength(1);
    expect(out.published).toHaveLength(1);
    const missed = await runReport(w.cfg, { cadence: 'daily', date: '2026-11-28' }, deps);
    expect(missed.status).toBe('sent');
    expect(out.mails).toHaveLength(2);
  });

  it('when SES refuses, the archive link and the summary go to P3, and the period counts as delivered', async () => {
    const out = memorySinks({ sesFails: true });
    const result = await runReport(
      w.cfg,
      { cadence: 'weekly' },
      { sources: w.sources, sinks: out.sinks, now: () => NOW },
    );
    expect(result.status).toBe('fallback');
    expect(result.error).toMatch(/SendingPausedException/);
    expect(out.published[0]!.subject).toMatch(/^【レポート配信失敗】【週次レポート】/);
    expect(out.published[0]!.message).toContain('reports/weekly/2026-11-30/report.html');
    expect(JSON.parse(String(out.objects.get('reports/weekly/2026-11-30/delivery.json'))).status).toBe(
      'fallback',
    );
  });
});

describe('rendering', () => {
  it('mail HTML references each chart by Content-ID, the archive embeds them; the MIME carries every image', async () => {
    const { model, images } = await buildReport(
      w.cfg,
      periodContaining('daily', '2026-12-01'),
      w.sources,
      NOW,
    );
    const mailHtml = renderHtml(model, images, 'cid');
    const archived = renderHtml(model, images, 'data');
    for (const img of images) {
      expect(mailHtml).toContain(`src="cid:${img.id}@report"`);
    }
    expect(archived.match(/src="data:image\/png;base64,/g)).toHaveLength(images.length);
    expect(mailHtml).not.toMatch(/<style|<link|<script/);
    const mime = Buffer.from(
      buildMime({
        from: 'a@goo.ne.jp',
        to: ['b@goo.ne.jp'],
        subject: model.title,
        text: renderText(model),
        html: mailHtml,
        images,
        date: NOW,
      }),
    ).toString('utf8');
    for (const img of images) expect(mime).toContain(`Content-ID: <${img.id}@report>`);
    expect(mime).toMatch(/Content-Type: multipart\/related; boundary="rel_[0-9a-f]{24}"/);
    expect(mime).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(mime.split('\r\n').every((l) => l.length <= 998)).toBe(true);
  });

  it('encodes Japanese headers as RFC 2047 words that decode back', () => {
    const subject = '【日次レポート】ses-migration production 2026年12月1日 (火)';
    const encoded = encodeHeader(subject);
    const decoded = encoded
      .split('\r\n ')
      .map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64').toString('utf8'))
      .join('');
    expect(decoded).toBe(subject);
    expect(encoded.split('\r\n ').every((w) => w.length <= 75)).toBe(true);
  });
});
