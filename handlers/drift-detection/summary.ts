/** The Japanese SNS summary of a weekly drift run (pure). SNS subjects must be ASCII, so only the body is Japanese. */
import type { DriftReport } from '../../lib/drift/engine.js';

export interface DriftMessage {
  readonly severity: 'P2' | 'P3';
  readonly subject: string;
  readonly body: string;
}

const OUTCOME_JA = {
  IN_SYNC: '差分なし',
  DRIFTED: 'ドリフトあり',
  NOT_DEPLOYED: 'スタックなし（未デプロイ）',
  ERROR: '検出エラー',
} as const;

/** Builds the summary: P3 when every stack is in sync, P2 when drift or an error was found. */
export function summarize(
  report: DriftReport,
  environment: string,
  location: { bucket: string; markdownKey: string; jsonKey: string },
): DriftMessage {
  const { inSync, drifted, notDeployed, errors } = report.summary;
  // a stack of the environment that is gone is as much news as drift
  const severity = drifted || errors || notDeployed ? 'P2' : 'P3';
  const headline =
    errors > 0
      ? `ドリフト検出で ${errors} 件のスタックがエラーになりました（ドリフトあり ${drifted} 件）。`
      : drifted > 0
        ? `${drifted} 件のスタックでドリフト（テンプレート外の変更）が見つかりました。`
        : notDeployed > 0
          ? `${notDeployed} 件のスタックが存在しません（未デプロイまたは削除済み）。`
          : `全 ${inSync} スタックがテンプレートどおりです（ドリフトなし）。`;
  const lines = report.stacks.map((s) => {
    const detail = [
      s.drifts.length
        ? `変更・削除されたリソース ${s.drifts.length} 件: ${s.drifts.map((d) => d.logicalId).join(', ')}`
        : '',
      s.ignored.length ? `既知として無視 ${s.ignored.length} 件` : '',
      s.notChecked.length ? `未確認 ${s.notChecked.length} 件` : '',
      ...s.errors.map((e) => e.message),
    ].filter(Boolean);
    return `- ${s.stackName}: ${OUTCOME_JA[s.outcome]}${detail.length ? `（${detail.join('／')}）` : ''}`;
  });
  const body = [
    `【${severity}】CloudFormation ドリフト検出（週次）: ${environment}`,
    '',
    headline,
    '',
    ...lines,
    '',
    `実行開始: ${report.startedAt}（所要 ${Math.round(report.durationMs / 1000)} 秒）`,
    `レポート: s3://${location.bucket}/${location.markdownKey}`,
    `JSON: s3://${location.bucket}/${location.jsonKey}`,
    '',
    severity === 'P2'
      ? '対応: レポートで差分を確認し、意図した変更ならテンプレートに反映、意図しない変更なら npm run deploy で戻してください。'
      : '対応は不要です。',
  ].join('\n');
  const subject = `[${severity}] ses-migration ${environment} drift: ${drifted} drifted, ${errors} errors, ${inSync} in sync`;
  return { severity, subject: subject.slice(0, 99), body };
}
