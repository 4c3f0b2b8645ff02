/**
 * HTML (for mail clients: inline CSS only, tables, images) and plain text of a report. Images are referenced by
 * `cid:` in mail and embedded as data: URIs in the archived copy, so the archive opens on its own.
 */
import { jstTime } from './period.js';
import type { Block, Cell, ChartImage, ReportModel, Section } from './types.js';

export type ImageMode = 'cid' | 'data';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cell = (c: Cell) => (c === null ? '—' : typeof c === 'number' ? c.toLocaleString('en-US') : c);

const FONT = "font-family:'Hiragino Sans','Noto Sans CJK JP','Yu Gothic',Meiryo,sans-serif";
const S = {
  body: `margin:0;padding:16px;background:#f4f5f7;${FONT};color:#1f2328;`,
  page: 'max-width:760px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:6px;padding:20px;',
  h1: 'font-size:20px;margin:0 0 8px 0;',
  meta: 'font-size:12px;color:#57606a;margin:0 0 12px 0;',
  summary:
    'font-size:14px;line-height:1.6;background:#f6f8fa;border-left:4px solid #0969da;padding:8px 12px;margin:0 0 16px 0;',
  h2: 'font-size:16px;border-bottom:2px solid #0969da;padding-bottom:4px;margin:24px 0 8px 0;',
  missing: 'font-size:13px;line-height:1.6;background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;',
  caption: 'font-size:12px;color:#57606a;text-align:left;padding:4px 0;caption-side:top;',
  table: 'border-collapse:collapse;width:100%;table-layout:fixed;font-size:12px;margin:0 0 12px 0;',
  th: 'background:#eaeef2;border:1px solid #d0d7de;padding:4px 6px;text-align:left;word-break:break-all;',
  td: 'border:1px solid #d0d7de;padding:4px 6px;word-break:break-all;vertical-align:top;',
  bad: 'background:#ffebe9;',
  warn: 'background:#fff8c5;',
  p: 'font-size:13px;line-height:1.6;margin:4px 0 8px 0;',
  img: 'display:block;width:100%;max-width:640px;height:auto;border:1px solid #d0d7de;margin:4px 0 12px 0;',
  foot: 'font-size:11px;color:#57606a;margin-top:24px;border-top:1px solid #d0d7de;padding-top:8px;',
};

function block(b: Block, images: Map<string, ChartImage>, mode: ImageMode): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p style="${S.p}">${esc(b.text)}</p>`;
    case 'list':
      return `<ul style="${S.p}">${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'table': {
      const head = `<tr>${b.head.map((h) => `<th style="${S.th}">${esc(h)}</th>`).join('')}</tr>`;
      const rows = b.rows.length
        ? b.rows
            .map((r, i) => {
              const mark = b.marks?.[i];
              const extra = mark ? S[mark] : '';
              return `<tr>${r.map((c) => `<td style="${S.td}${extra}">${esc(String(cell(c)))}</td>`).join('')}</tr>`;
            })
            .join('')
        : `<tr><td style="${S.td}" colspan="${b.head.length}">該当なし</td></tr>`;
      const caption = b.caption ? `<caption style="${S.caption}">${esc(b.caption)}</caption>` : '';
      return `<table role="presentation" style="${S.table}">${caption}<thead>${head}</thead><tbody>${rows}</tbody></table>`;
    }
    case 'chart': {
      const img = images.get(b.id);
      if (!img) return '';
      const src =
        mode === 'cid'
          ? `cid:${b.id}@report`
          : `data:image/png;base64,${Buffer.from(img.png).toString('base64')}`;
      return `<p style="${S.caption}">グラフ: ${esc(b.title)}</p><img src="${src}" alt="${esc(b.alt)}" width="640" style="${S.img}">`;
    }
  }
}

function section(s: Section, images: Map<string, ChartImage>, mode: ImageMode): string {
  const h = `<h2 style="${S.h2}">${esc(s.title)}</h2>`;
  if (s.status === 'missing') {
    return `${h}<div style="${S.missing}"><strong>このセクションは作成できませんでした。</strong><br>${esc(s.reason ?? '')}</div>`;
  }
  return h + s.blocks.map((b) => block(b, images, mode)).join('\n');
}

export function renderHtml(
  model: ReportModel,
  images: readonly ChartImage[],
  mode: ImageMode,
  archiveLink?: string,
): string {
  const byId = new Map(images.map((i) => [i.id, i]));
  const foot = [
    `作成日時 ${jstTime(model.generatedAt)}。時刻はすべて日本時間 (JST)。個人情報（宛先メールアドレス・IP アドレス）はマスク済みです。`,
    archiveLink ? `アーカイブ: ${archiveLink}` : '',
  ]
    .filter(Boolean)
    .map((t) => esc(t))
    .join('<br>');
  return [
    '<!DOCTYPE html>',
    '<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(model.title)}</title></head>`,
    `<body style="${S.body}"><div style="${S.page}">`,
    `<h1 style="${S.h1}">${esc(model.title)}</h1>`,
    `<p style="${S.meta}">対象期間: ${esc(jstTime(model.period.start))} 〜 ${esc(jstTime(model.period.end))}</p>`,
    `<p style="${S.summary}">${esc(model.summary)}</p>`,
    ...model.sections.map((s) => section(s, byId, mode)),
    `<p style="${S.foot}">${foot}</p>`,
    '</div></body></html>',
    '',
  ].join('\n');
}

function textBlock(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return b.text;
    case 'list':
      return b.items.map((i) => `・${i}`).join('\n');
    case 'table': {
      const rows = b.rows.length
        ? b.rows.map((r) => r.map((c) => String(cell(c))).join(' | '))
        : ['該当なし'];
      return [b.caption ? `[${b.caption}]` : '', b.head.join(' | '), ...rows].filter(Boolean).join('\n');
    }
    case 'chart':
      return `（グラフ: ${b.title} — HTML 版を参照）`;
  }
}

export function renderText(model: ReportModel, archiveLink?: string): string {
  const out = [model.title, '', model.summary, ''];
  for (const s of model.sections) {
    out.push(`■ ${s.title}`);
    if (s.status === 'missing') out.push(`このセクションは作成できませんでした: ${s.reason}`);
    else out.push(...s.blocks.map(textBlock));
    out.push('');
  }
  out.push('時刻はすべて日本時間 (JST)。個人情報はマスク済みです。');
  if (archiveLink) out.push(`アーカイブ: ${archiveLink}`);
  return `${out.join('\n')}\n`;
}
