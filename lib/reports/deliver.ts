/**
 * One report run: resolve the period, skip it if already sent (idempotency marker in the archive), build, archive
 * (HTML, text, JSON of the figures under reports/<cadence>/<date>/), mail through SES with the report's own
 * configuration set, fall back to the P3 topic when SES refuses, post the summary with the archive link to P3,
 * and record the delivery. A missed period is re-run by passing its date.
 */
import { buildMime } from './mime.js';
import { resolvePeriod } from './period.js';
import type { ReportSinks, ReportSources } from './ports.js';
import { renderHtml, renderText } from './render.js';
import { buildReport } from './report.js';
import type { Cadence, ReportConfig } from './types.js';

export interface RunRequest {
  readonly cadence: Cadence;
  /** Any JST date inside the period to report; default: the last complete period. */
  readonly date?: string;
}

export interface RunResult {
  readonly status: 'sent' | 'fallback' | 'archived-only' | 'already-sent';
  readonly cadence: Cadence;
  readonly period: string;
  readonly prefix: string;
  readonly missingSections: readonly string[];
  readonly messageId?: string;
  readonly error?: string;
}

export interface DeliveryRecord {
  readonly cadence: Cadence;
  readonly period: string;
  readonly status: RunResult['status'];
  readonly at: string;
  readonly messageId?: string;
  readonly recipients: number;
  readonly error?: string;
}

export const archivePrefix = (cadence: Cadence, key: string) => `reports/${cadence}/${key}/`;

export async function runReport(
  cfg: ReportConfig,
  req: RunRequest,
  deps: {
    sources: ReportSources;
    sinks: ReportSinks;
    now: () => Date;
    log?: (m: string, x?: object) => void;
  },
): Promise<RunResult> {
  const now = deps.now();
  const period = resolvePeriod(req.cadence, req.date, now);
  const prefix = archivePrefix(req.cadence, period.key);
  const markerKey = `${prefix}delivery.json`;
  const previous = await deps.sinks.getObject(markerKey);
  if (previous !== undefined) {
    deps.log?.('report already delivered for this period', { markerKey });
    return { status: 'already-sent', cadence: req.cadence, period: period.key, prefix, missingSections: [] };
  }

  const { model, images } = await buildReport(cfg, period, deps.sources, now);
  const link = deps.sinks.objectLink(`${prefix}report.html`);
  const missingSections = model.sections.filter((s) => s.status === 'missing').map((s) => s.id);
  await deps.sinks.putObject(
    `${prefix}report.html`,
    renderHtml(model, images, 'data', link),
    'text/html; charset=utf-8',
  );
  await deps.sinks.putObject(`${prefix}report.txt`, renderText(model, link), 'text/plain; charset=utf-8');
  await deps.sinks.putObject(
    `${prefix}figures.json`,
    `${JSON.stringify(
      {
        cadence: period.cadence,
        period: {
          key: period.key,
          start: period.start.toISOString(),
          end: period.end.toISOString(),
          label: period.label,
        },
        generatedAt: now.toISOString(),
        summary: model.summary,
        sections: model.sections.map((s) => ({
          id: s.id,
          title: s.title,
          status: s.status,
          reason: s.reason,
        })),
        figures: model.figures,
      },
      null,
      2,
    )}\n`,
    'application/json',
  );

  const recipients = cfg.recipients[req.cadence];
  let status: RunResult['status'] = 'archived-only';
  let messageId: string | undefined;
  let error: string | undefined;
  if (cfg.sender && recipients.length) {
    try {
      const raw = buildMime({
        from: cfg.sender,
        to: recipients,
        subject: model.title,
        text: renderText(model, link),
        html: renderHtml(model, images, 'cid', link),
        images,
        date: now,
      });
      messageId = await deps.sinks.sendRawEmail(raw, cfg.sender, recipients, cfg.reportConfigurationSet);
      status = 'sent';
    } catch (e) {
      status = 'fallback';
      error = `${(e as Error).name}: ${(e as Error).message}`.slice(0, 500);
      deps.log?.('SES refused the report; falling back to the P3 topic', { error });
    }
  }
  const subject =
    status === 'fallback' ? `【レポート配信失敗】${model.title}`.slice(0, 99) : model.title.slice(0, 99);
  const message = [
    status === 'fallback'
      ? `SES がレポートメールを受け付けませんでした（${error}）。レポートはアーカイブから参照してください。\n`
      : '',
    model.summary,
    '',
    `レポート: ${link}`,
  ].join('\n');
  await deps.sinks.publish(subject, message);

  const record: DeliveryRecord = {
    cadence: req.cadence,
    period: period.key,
    status,
    at: now.toISOString(),
    recipients: recipients.length,
    ...(messageId ? { messageId } : {}),
    ...(error ? { error } : {}),
  };
  await deps.sinks.putObject(markerKey, `${JSON.stringify(record, null, 2)}\n`, 'application/json', true);
  return {
    status,
    cadence: req.cadence,
    period: period.key,
    prefix,
    missingSections,
    ...(messageId ? { messageId } : {}),
    ...(error ? { error } : {}),
  };
}
