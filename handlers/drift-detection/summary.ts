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
  DEFERRED: '検出継続中（結果は後で確認）',
} as const;

/**
 * Builds the summary: P3 when every stack is in sync, P2 when drift or an error was found. A DEFERRED stack
 * (detection still running when the function had to stop waiting) is neither: it is listed with its detection
 * id and the commands that read its result, and alone it keeps the summary at P3 (it is expected every week at
 * scale, see docs/operations.md).
 */
export function summarize(
  report: DriftReport,
  environment: string,
  location: { bucket: string; markdownKey: string; jsonKey: string },
): DriftMessage {
  const { inSync, drifted, notDeployed, errors } = report.summary;
  const deferred = report.summary.deferred ?? 0;
  // a stack of the environment that is gone is as much news as drift
  const severity = drifted || errors || notDeployed ? 'P2' : 'P3';
  const headline =
    errors > 0
      ? `ドリフト検出で ${errors} 件のスタックがエラーになりました（ドリフトあり ${drifted} 件）。`
      : drifted > 0
        ? `${drifted} 件のスタックでドリフト（テンプレート外の変更）が見つかりました。`
        : notDeployed > 0
          ? `${notDeployed} 件のスタックが存在しません（未デプロイまたは削除済み）。`
          : deferred > 0
            ? `${inSync} 件のスタックはテンプレートどおりです。${deferred} 件は検出に時間がかかるため CloudFormation 上で検出を継続中です（結果は未確認）。`
            : `全 ${inSync} スタックがテンプレートどおりです（ドリフトなし）。`;
  const lines = report.stacks.map((s) => {
    const detail = [
      s.drifts.length
        ? `変更・削除されたリソース ${s.drifts.length} 件: ${s.drifts.map((d) => d.logicalId).join(', ')}`
        : '',
      s.ignored.length ? `既知として無視 ${s.ignored.length} 件` : '',
      s.notChecked.length ? `未確認 ${s.notChecked.length} 件` : '',
      ...s.errors.map((e) => e.message),
      s.outcome === 'DEFERRED' ? `検出 ID ${s.detectionId}` : '',
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
    ...(deferred > 0
      ? [
          `検出継続中のスタック（${deferred} 件）: 約 1 時間後（SES の読み取りは 1 件/秒、ID 1 件につき約 2 秒）に結果を確認してください:`,
          ...report.stacks
            .filter((s) => s.outcome === 'DEFERRED')
            .flatMap((s) => [
              `  aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id ${s.detectionId}`,
              `  aws cloudformation describe-stack-resource-drifts --stack-name ${s.stackName} --stack-resource-drift-status-filters MODIFIED DELETED`,
            ]),
          '',
        ]
      : []),
    severity === 'P2'
      ? '対応: レポートで差分を確認し、意図した変更ならテンプレートに反映、意図しない変更なら npm run deploy で戻してください。'
      : '対応は不要です。',
  ].join('\n');
  const subject = `[${severity}] ses-migration ${environment} drift: ${drifted} drifted, ${errors} errors, ${inSync} in sync${deferred ? `, ${deferred} deferred` : ''}`;
  return { severity, subject: subject.slice(0, 99), body };
}
