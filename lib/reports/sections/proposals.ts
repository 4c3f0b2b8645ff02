/** 改善提案 (weekly report, seed 4.3.1): explainable rules over the trend and the alarm history. */
import { alarmEntries, fmtPct, rates, risingRun } from '../figures.js';
import type { AlarmTransition } from '../ports.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';
import { weeklySeries } from './trend.js';

/** 改善提案: explainable rules over the trend and the alarm history. */
export async function proposals(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const { weeks, account, domains } = await weeklySeries(ctx);
  const history: AlarmTransition[] = await sources.alarmHistory(`${cfg.prefix}-`, period.start, period.end);
  const findings: string[] = [];
  const rules: string[] = [];
  const minSends = 100;
  rules.push('規則1: 送信数100件以上の週が続く中でバウンス率が3週連続で上昇したドメイン');
  for (const d of domains) {
    const rs = d.weeks.map((c) => (c.Send >= minSends ? rates(c).bounceRate : undefined));
    if (risingRun(rs, 3)) {
      findings.push(
        `${d.name}: バウンス率が3週連続で上昇しています（${rs
          .slice(-3)
          .map((r) => fmtPct(r))
          .join(' → ')}）。` +
          'リストの衛生状態（無効アドレスの削除、ダブルオプトイン）と送信元アプリケーションを確認してください。',
      );
    }
  }
  rules.push('規則2: 1週間に4回以上 ALARM になったアラーム（フラッピング）');
  for (const [alarm, n] of alarmEntries(history, period.start, period.end)) {
    if (n >= 4) {
      findings.push(
        `${alarm}: 今週 ${n} 回 ALARM になりました（フラッピング）。評価期間数（evaluationPeriods）を増やすか、閾値を見直してください。`,
      );
    }
  }
  rules.push('規則3: 5週間の週平均がP3閾値の半分に一度も達しない率（閾値が緩すぎる可能性）');
  const maxOf = (xs: (number | undefined)[]) => Math.max(...xs.map((x) => x ?? 0));
  const bounceMax = maxOf(account.map((c) => rates(c).bounceRate));
  const complaintMax = maxOf(account.map((c) => rates(c).complaintRate));
  if (account.some((c) => c.Send > 0)) {
    if (bounceMax < cfg.tiers.bounceRate.P3.threshold / 2) {
      findings.push(
        `バウンス率の週平均は5週間で最大 ${fmtPct(bounceMax)} で、P3 閾値 ${cfg.tiers.bounceRate.P3.threshold}% の半分に達していません。` +
          'より早く異常に気付くため、P3 閾値を下げることを検討してください（参考情報）。',
      );
    }
    if (complaintMax < cfg.tiers.complaintRate.P3.threshold / 2) {
      findings.push(
        `苦情率の週平均は5週間で最大 ${fmtPct(complaintMax, 3)} で、P3 閾値 ${cfg.tiers.complaintRate.P3.threshold}% の半分に達していません（参考情報）。`,
      );
    }
  }
  rules.push('規則4: 今週の送信成功率の平均が P3 閾値を下回った');
  const success = rates(account[account.length - 1]!).sendSuccessRate;
  if (success !== undefined && success < cfg.tiers.sendSuccessRate.P3.threshold) {
    findings.push(
      `今週の送信成功率 ${fmtPct(success)} が P3 閾値 ${cfg.tiers.sendSuccessRate.P3.threshold}% を下回っています。拒否・バウンスの内訳を確認してください。`,
    );
  }
  ctx.figures.proposals = { rules, findings, weeks: weeks.map((w) => w.key) };
  return [
    findings.length
      ? { kind: 'list', items: findings }
      : { kind: 'paragraph', text: '今週はどの規則にも該当しませんでした。改善提案はありません。' },
    { kind: 'paragraph', text: '判定に使った規則:' },
    { kind: 'list', items: rules },
  ];
}
