/** コンプライアンス状況 (weekly report, seed 4.3.1). */
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** コンプライアンス状況: retention, data-protection findings, drift, BYODKIM key ages, audit trail. */
export async function complianceStatus(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources, now } = ctx;
  const rows: (string | number)[][] = [];
  const marks: ('bad' | 'warn' | undefined)[] = [];
  const problems: string[] = [];
  const add = (item: string, state: string, ok: boolean | 'warn') => {
    rows.push([item, state, ok === true ? 'OK' : ok === 'warn' ? '要確認' : 'NG']);
    marks.push(ok === true ? undefined : ok === 'warn' ? 'warn' : 'bad');
  };
  const attempt = async (label: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      problems.push(`${label}: ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
      add(label, 'データ取得失敗', 'warn');
    }
  };
  await attempt('ログ保持期間', async () => {
    const groups = await sources.logGroups(cfg.ownedLogGroups);
    for (const name of cfg.ownedLogGroups) {
      const g = groups.find((x) => x.name === name);
      if (!g) add(`保持期間 ${name}`, '存在しません', false);
      else
        add(
          `保持期間 ${name}`,
          `${g.retentionInDays ?? '無期限'} 日（設定値 ${cfg.logRetentionDays} 日）`,
          g.retentionInDays === cfg.logRetentionDays,
        );
    }
    for (const name of [cfg.logGroups.sesEvents, cfg.logGroups.application]) {
      const g = groups.find((x) => x.name === name);
      if (g)
        add(
          `データ保護ポリシー ${name}`,
          g.dataProtection ? '有効（メール・IP をマスク）' : '無効',
          g.dataProtection,
        );
    }
  });
  await attempt('データ保護の検出', async () => {
    const rows2 = await sources.insights(
      [cfg.logGroups.compliance],
      'stats count() as findings',
      period.start,
      period.end,
    );
    const n = Number(rows2[0]?.findings ?? 0);
    ctx.figures.dataProtectionFindings = n;
    add('データ保護の検出（監査ログ）', `${n} 件（マスクされた個人情報の検出記録）`, true);
  });
  await attempt('ドリフト', async () => {
    const drift = await sources.latestDrift();
    if (!drift) {
      add('CloudFormation ドリフト', 'ドリフト検出レポートがありません', 'warn');
      return;
    }
    const drifted = drift.stacks.filter((s) => s.status !== 'IN_SYNC');
    add(
      'CloudFormation ドリフト',
      `${drift.startedAt.slice(0, 10)} 実行: ${drifted.length ? drifted.map((s) => `${s.stack}=${s.status}`).join(', ') : '全スタック IN_SYNC'}`,
      drifted.length === 0,
    );
  });
  await attempt('BYODKIM', async () => {
    const keys = await sources.keyAges(cfg.domains.map((d) => d.name));
    ctx.figures.byodkim = keys;
    for (const k of keys) {
      const age = k.keyCreatedAt
        ? Math.floor((now.getTime() - Date.parse(k.keyCreatedAt)) / 86_400_000)
        : undefined;
      const interval = cfg.domains.find((d) => d.name === k.domain)?.rotationIntervalDays ?? 365;
      add(
        `BYODKIM ${k.domain}`,
        `段階 ${k.stage}、鍵 ${k.selector ?? '—'}（${age === undefined ? '作成日不明' : `${age} 日経過`}）、次回ローテーション ${k.nextRotationAt?.slice(0, 10) ?? '未定'}`,
        k.stage === 'FAILED' ? false : age !== undefined && age > interval ? 'warn' : true,
      );
    }
  });
  await attempt('監査証跡', async () => {
    const t = await sources.trailStatus(cfg.trailName);
    add(
      `監査証跡 ${t.name}`,
      `記録 ${t.logging ? '中' : '停止'}、ログファイル検証 ${t.logFileValidation ? '有効' : '無効'}${t.latestDeliveryError ? `、配信エラー ${t.latestDeliveryError}` : ''}`,
      t.logging && t.logFileValidation && !t.latestDeliveryError,
    );
  });
  ctx.figures.compliance = { rows, problems };
  const blocks: Block[] = [{ kind: 'table', head: ['項目', '状態', '判定'], rows, marks }];
  if (problems.length)
    blocks.push({ kind: 'paragraph', text: `取得できなかった項目: ${problems.join(' / ')}` });
  return blocks;
}
