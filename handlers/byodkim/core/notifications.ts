/** Operator notifications in Japanese with JST times (seed 6.2.1 / 6.2.2). Pure builders; no key material. */
import { SNS_SUBJECT_MAX } from '../../../contracts/limits.js';
import { dkimTxtRecord, zoneFileLine } from './dkim.js';
import type { Notification, Severity } from './ports.js';
import { formatJst } from './time.js';
import type { KeyRecord } from './types.js';

export interface Ctx {
  readonly environment: string;
  readonly domain: string;
  /** Name of the function that acts (appears in failure notices). */
  readonly functionName: string;
  /** Orchestrator function name (status command in every notice). */
  readonly orchestratorName: string;
}

const FOOTER = (c: Ctx) =>
  [
    '',
    `環境: ${c.environment}`,
    `状態確認: aws lambda invoke --function-name ${c.orchestratorName} --cli-binary-format raw-in-base64-out --payload '{"action":"status","domain":"${c.domain}"}' /dev/stdout`,
    '手順書: docs/byodkim.md',
  ].join('\n');

/**
 * A valid SNS Subject: control characters (line breaks included) replaced by spaces, at most 99 UTF-16 code
 * units (stricter than 99 characters), never cutting a surrogate pair.
 */
export function snsSubject(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = s.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  if (clean.length <= SNS_SUBJECT_MAX) return clean;
  let out = '';
  for (const ch of clean) {
    if (out.length + ch.length > SNS_SUBJECT_MAX - 1) break;
    out += ch;
  }
  return `${out}…`;
}

function subject(sev: Severity, c: Ctx, text: string): string {
  // The domain can be long (up to 226 characters): keep the severity and the title, shorten the domain.
  const head = `[${sev}][${c.environment}] BYODKIM `;
  const tail = `: ${text}`;
  const room = SNS_SUBJECT_MAX - head.length - tail.length;
  const domain = c.domain.length <= room ? c.domain : `${c.domain.slice(0, Math.max(room - 1, 0))}…`;
  return snsSubject(`${head}${domain}${tail}`);
}

function note(kind: string, severity: Severity, c: Ctx, title: string, lines: string[]): Notification {
  return {
    kind,
    severity,
    domain: c.domain,
    subject: subject(severity, c, title),
    body: `${lines.join('\n')}\n${FOOTER(c)}`,
  };
}

function recordBlock(key: KeyRecord, domain: string): string[] {
  const r = dkimTxtRecord(key.selector, domain, key.publicKey);
  return [
    `  レコード名: ${r.name}`,
    '  タイプ: TXT',
    `  値（${r.strings.length}個の文字列に分割済み、各255文字以内）:`,
    ...r.strings.map((s) => `    "${s}"`),
    '  ゾーンファイル形式:',
    ...zoneFileLine(r)
      .split('\n')
      .map((l) => `    ${l}`),
  ];
}

export const notices = {
  advanceNotice(c: Ctx, dueAt: Date, manual: boolean): Notification {
    return note('notice-30d', 'P3', c, 'DKIM鍵ローテーション予告', [
      `${c.domain} のBYODKIM鍵ローテーションを ${formatJst(dueAt)} 頃に開始します（自動実行）。`,
      manual
        ? '開始時にDNS部門へ新しいTXTレコードの追加依頼を送ります。48時間以内の対応をお願いできるよう、作業枠の調整を始めてください。'
        : 'Route 53 モードのため、DNSレコードは自動で追加・削除されます。対応は不要です。',
    ]);
  },

  rotationStarted(c: Ctx, reason: string, onboarding: boolean): Notification {
    return note('rotation-started', 'P3', c, onboarding ? 'BYODKIM導入開始' : 'DKIM鍵ローテーション開始', [
      onboarding
        ? `${c.domain} にBYODKIMの最初の鍵を導入します（理由: ${reason}）。`
        : `${c.domain} のBYODKIM鍵ローテーションを開始しました（理由: ${reason}）。`,
      'KMSで新しい鍵ペアを生成し、新しいセレクターのTXTレコード公開を待ってからSESを切り替えます。',
      '公開されるまで現在の鍵で署名を続けるため、メール配信への影響はありません。',
    ]);
  },

  dnsRequest(c: Ctx, key: KeyRecord, requestedAt: Date, deadlineHours: number): Notification {
    return note('dns-request', 'P2', c, `DNS TXTレコード追加依頼（${deadlineHours}時間以内）`, [
      `【DNS部門への依頼】${c.domain} に次のTXTレコードを追加してください。`,
      `期限: ${formatJst(new Date(requestedAt.getTime() + deadlineHours * 3_600_000))}（依頼から${deadlineHours}時間）`,
      '',
      ...recordBlock(key, c.domain),
      '',
      '注意:',
      '- 既存のDKIMレコード（旧セレクター）は削除しないでください。削除の時期は別途ご連絡します。',
      '- 値は1つのTXTレコードの中の複数の文字列です（レコードを分けないでください）。',
      '- 公開を自動で検知するとSESを新しい鍵に切り替えます。完了のご連絡は不要です。',
    ]);
  },

  dnsPublishedAutomatically(c: Ctx, key: KeyRecord): Notification {
    return note('dns-route53-upsert', 'P3', c, 'Route 53にTXTレコードを追加', [
      `Route 53 モード: 次のTXTレコードを自動で追加しました。対応は不要です。`,
      '',
      ...recordBlock(key, c.domain),
    ]);
  },

  dnsReminder(c: Ctx, key: KeyRecord, deadline: Date, hoursLeft: number): Notification {
    return note(`dns-reminder-${hoursLeft}h`, 'P2', c, `DNS追加期限まで残り${hoursLeft}時間`, [
      `${c.domain} の新しいDKIM TXTレコードがまだ確認できません。期限: ${formatJst(deadline)}（残り約${hoursLeft}時間）`,
      '',
      ...recordBlock(key, c.domain),
    ]);
  },

  dnsOverdue(c: Ctx, key: KeyRecord, requestedAt: string, deadlineHours: number): Notification {
    return note('dns-overdue', 'P1', c, `DNS未更新 ${deadlineHours}時間超過`, [
      `${c.domain} の新しいDKIM TXTレコードが依頼（${formatJst(requestedAt)}）から${deadlineHours}時間を過ぎても確認できません。`,
      'SESは現在の鍵で署名を続けているため配信は継続していますが、ローテーションが止まっています。',
      'DNS部門に至急確認してください。',
      '',
      ...recordBlock(key, c.domain),
    ]);
  },

  dnsMismatch(c: Ctx, key: KeyRecord, published: readonly string[]): Notification {
    return note('dns-mismatch', 'P2', c, 'DNSのTXTレコードの値が違います', [
      `${key.selector}._domainkey.${c.domain} に公開された値が依頼した公開鍵と一致しません。`,
      `公開されている p= の先頭: ${published.join(', ')}`,
      '正しい値に修正してください（SESは切り替えていません）。',
      '',
      ...recordBlock(key, c.domain),
    ]);
  },

  verificationSucceeded(c: Ctx, key: KeyRecord): Notification {
    return note('verification-succeeded', 'P3', c, 'BYODKIM検証成功', [
      `${c.domain} の新しい鍵（セレクター ${key.selector}）でSESのDKIM検証が SUCCESS になりました。`,
    ]);
  },

  removalRequest(c: Ctx, old: KeyRecord, notBefore: Date, deadline: Date, reminder: boolean): Notification {
    return note(
      reminder ? 'old-record-reminder' : 'old-record-removal',
      'P3',
      c,
      reminder ? '旧DKIMレコード削除のリマインダー' : '旧DKIMレコード削除依頼',
      [
        `【DNS部門への依頼】${c.domain} の旧セレクターのTXTレコードを削除してください。`,
        `  削除するレコード: ${old.selector}._domainkey.${c.domain}（TXT）`,
        `  削除してよい時刻: ${formatJst(notBefore)} 以降（配送中のメールの検証のため）`,
        `  削除期限: ${formatJst(deadline)}`,
        '新しいセレクターのレコードは削除しないでください。削除は自動で検知します。',
      ],
    );
  },

  oldRecordRemovedAutomatically(c: Ctx, old: KeyRecord): Notification {
    return note('dns-route53-delete', 'P3', c, 'Route 53から旧TXTレコードを削除', [
      `Route 53 モード: 旧セレクター ${old.selector}._domainkey.${c.domain} のTXTレコードを削除しました。`,
    ]);
  },

  rotationCompleted(c: Ctx, key: KeyRecord, nextAt: Date): Notification {
    return note('rotation-completed', 'P2', c, 'DKIM鍵ローテーション完了', [
      `${c.domain} のBYODKIM鍵ローテーションが完了しました。署名セレクター: ${key.selector}`,
      `次回のローテーション予定: ${formatJst(nextAt)}`,
    ]);
  },

  rolledBack(
    c: Ctx,
    reason: string,
    restored: string,
    rejected?: KeyRecord,
    keepAgain?: KeyRecord,
  ): Notification {
    return note('rotation-failed', 'P1', c, 'ローテーション失敗・ロールバック実施', [
      `${c.domain} の新しい鍵のDKIM検証が成功しなかったため（${reason}）、元の署名設定に戻しました。`,
      `現在の署名: ${restored}`,
      ...(keepAgain
        ? [
            `【取消】先にお送りした旧レコード ${keepAgain.selector}._domainkey.${c.domain}（TXT）の削除依頼は取り消します。このレコードは削除しないでください（現在の署名に使っています）。`,
          ]
        : []),
      ...(rejected
        ? [`不要になったレコード ${rejected.selector}._domainkey.${c.domain}（TXT）は削除して構いません。`]
        : []),
      '原因（DNSの値、TTL、伝播）を確認し、準備ができたら手順書の「今すぐローテーション」で再実行してください。',
    ]);
  },

  currentRecordMissing(c: Ctx, key: KeyRecord): Notification {
    return note('current-record-missing', 'P1', c, '署名中のDKIMレコードがDNSにありません', [
      `SESが署名に使っているセレクター ${key.selector} のTXTレコードがDNSで確認できません。受信側でDKIM検証が失敗しています。`,
      '戻せる旧レコードも公開されていないため、次のレコードを至急DNSに再登録してください。',
      '',
      ...recordBlock(key, c.domain),
    ]);
  },

  removalCancelled(c: Ctx, old: KeyRecord): Notification {
    return note('removal-cancelled', 'P1', c, '【取消】旧DKIMレコード削除依頼の取り消し', [
      `【DNS部門への依頼】先にお送りした ${old.selector}._domainkey.${c.domain}（TXT）の削除依頼は取り消します。削除しないでください。`,
      'ロールバックのため、SESはこのセレクターの鍵で署名を再開します。削除すると受信側でDKIM検証が失敗します。',
    ]);
  },

  rollbackCancelled(c: Ctx, reason: string, key: KeyRecord): Notification {
    return note('rollback-cancelled', 'P2', c, 'ロールバック中止（新しい鍵で署名継続）', [
      `${c.domain} のロールバックを中止しました（${reason}）。`,
      `新しい鍵（セレクター ${key.selector}）はDNSに公開され、SESの検証も SUCCESS のため、この鍵で署名を続けます。`,
      `新しいセレクターのレコード ${key.selector}._domainkey.${c.domain}（TXT）は削除しないでください。`,
    ]);
  },

  rollbackImpossible(c: Ctx, reason: string): Notification {
    return note('rotation-failed', 'P1', c, 'ローテーション失敗・戻せる鍵がありません', [
      `${c.domain} の新しい鍵のDKIM検証が成功しませんでした（${reason}）。`,
      '戻せる以前の鍵（BYODKIMの旧鍵、またはEasy DKIM）がないため、新しい鍵のまま停止しています。',
      'DNSの値を確認してください。メール配信でDKIMが失敗している可能性があります。至急対応してください。',
    ]);
  },

  aborted(c: Ctx, pending: KeyRecord | undefined, dnsRequested: boolean): Notification {
    return note('rotation-aborted', 'P2', c, 'ローテーション中止', [
      `${c.domain} のBYODKIM鍵ローテーションを中止しました。現在の鍵で署名を続けます。`,
      ...(pending && dnsRequested
        ? [
            `依頼済みのレコード ${pending.selector}._domainkey.${c.domain}（TXT）は追加不要になりました（追加済みなら削除してください）。`,
          ]
        : []),
    ]);
  },

  keyGenerationFailed(c: Ctx, error: string): Notification {
    return note('key-generation-failed', 'P1', c, 'KMS鍵生成エラー', [
      `${c.domain} の新しいDKIM鍵ペアのKMS生成に失敗しました: ${error}`,
      `関数: ${c.functionName}`,
      `ログ: CloudWatch Logs /aws/lambda/${c.functionName}`,
      '対応: KMS鍵の状態（有効か、削除予定でないか）と関数ロールの kms:GenerateDataKeyPairWithoutPlaintext 権限を確認してください。',
      '現在の鍵で署名を続けています。次回の定期実行で自動的に再試行します。',
    ]);
  },

  stepFailed(c: Ctx, stage: string, error: string, attempts: number): Notification {
    return note('step-failed', 'P2', c, `BYODKIM自動化エラー（${stage}）`, [
      `BYODKIM自動化の処理「${stage}」が失敗しました（${attempts}回目）: ${error}`,
      `関数: ${c.functionName}`,
      `ログ: CloudWatch Logs /aws/lambda/${c.functionName}`,
      '状態は保存済みで、次回の定期実行で続きから再試行します。繰り返す場合はログを確認してください。',
    ]);
  },
};

/** A failure reported by a Lambda async-invocation failure destination (any of the five functions). */
export function functionFailed(
  environment: string,
  failedFunction: string,
  errorType: string,
  errorMessage: string,
  statusFunction: string,
): Notification {
  return {
    kind: 'function-failed',
    severity: 'P2',
    subject: snsSubject(`[P2][${environment}] BYODKIM自動化関数エラー: ${failedFunction}`),
    body: [
      'BYODKIM自動化Lambda関数が失敗しました。',
      `関数名: ${failedFunction}`,
      `エラー: ${errorType}: ${errorMessage}`,
      `ログ: CloudWatch Logs /aws/lambda/${failedFunction}`,
      '対応: ログでエラー詳細を確認してください。状態は保存済みのため、原因を取り除けば次回の実行で続きから進みます。',
      `状態確認: aws lambda invoke --function-name ${statusFunction} --cli-binary-format raw-in-base64-out --payload '{"action":"status"}' /dev/stdout`,
      `環境: ${environment}`,
    ].join('\n'),
  };
}
