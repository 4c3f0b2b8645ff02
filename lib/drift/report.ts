/** Renders a drift report as Markdown (people), JSON (machines) and JUnit XML (CI test reporting). */
import type { DriftReport, ResourceDriftRow, StackReport } from './engine.js';
import { isEmptyDiff, type TemplateDiff } from './template-diff.js';

export type ReportFormat = 'md' | 'json' | 'junit';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'junit'];
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = {
  md: 'md',
  json: 'json',
  junit: 'xml',
};

const ICON = { IN_SYNC: '✅', DRIFTED: '⚠️', NOT_DEPLOYED: '➖', ERROR: '❌', DEFERRED: '⏳' } as const;

function cell(value: string, max = 160): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/\\/g, '\\\\').replace(/\|/g, '\\|') || ' ';
}

function code(value: string): string {
  return value ? `\`${value.replace(/`/g, "'")}\`` : '';
}

function diffSummary(diff: TemplateDiff | null): string {
  if (!diff) return '-';
  if (isEmptyDiff(diff)) return 'none';
  const parts = [
    diff.added.length ? `${diff.added.length} to add` : '',
    diff.removed.length ? `${diff.removed.length} to remove` : '',
    diff.changed.length ? `${diff.changed.length} changed` : '',
    diff.sections.length ? `${diff.sections.join(', ')} differ` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function driftSummary(s: StackReport): string {
  if (s.outcome === 'DEFERRED') return `detection ${s.detectionId} still running`;
  if (s.stackDriftStatus === undefined && !s.drifts.length) return '-';
  const modified = s.drifts.filter((d) => d.status === 'MODIFIED').length;
  const deleted = s.drifts.filter((d) => d.status === 'DELETED').length;
  const parts = [
    modified ? `${modified} modified` : '',
    deleted ? `${deleted} deleted` : '',
    s.ignored.length ? `${s.ignored.length} ignored` : '',
    s.notChecked.length ? `${s.notChecked.length} not checked` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

function driftTable(rows: readonly ResourceDriftRow[], withReason: boolean): string[] {
  const head = withReason
    ? [
        '| Resource | Type | Status | Property | Expected | Actual | Reason |',
        '|---|---|---|---|---|---|---|',
      ]
    : ['| Resource | Type | Status | Property | Expected | Actual |', '|---|---|---|---|---|---|'];
  const lines = rows.flatMap((r) => {
    const diffs = r.differences.length ? r.differences : [{ path: '', type: '', expected: '', actual: '' }];
    return diffs.map((d) => {
      const base = [
        code(r.logicalId),
        cell(r.type),
        r.status,
        d.path ? `${code(d.path)} (${d.type})` : r.status === 'DELETED' ? 'whole resource' : ' ',
        cell(d.expected),
        cell(d.actual),
      ];
      if (withReason)
        base.push(cell(('ignoredBecause' in d ? d.ignoredBecause : undefined) ?? r.ignoredBecause ?? ''));
      return `| ${base.join(' | ')} |`;
    });
  });
  return [...head, ...lines];
}

/** The Markdown report: a summary table, then one section per stack that needs a look. */
export function renderMarkdown(report: DriftReport): string {
  const { summary } = report;
  const out: string[] = [
    `# Drift report: ${report.env} (${report.region})`,
    '',
    `Started ${report.startedAt}, took ${(report.durationMs / 1000).toFixed(1)} s. ` +
      `${report.stacks.length} stacks: ${summary.inSync} in sync, ${summary.drifted} drifted, ` +
      `${summary.notDeployed ? `${summary.notDeployed} not deployed, ` : ''}${summary.errors} with errors` +
      `${summary.deferred ? `, ${summary.deferred} deferred (detection still running, no verdict yet)` : ''}.`,
    '',
    '| Stack | Result | Resource drift | Not deployed yet | Errors |',
    '|---|---|---|---|---|',
    ...report.stacks.map(
      (s) =>
        `| ${code(s.stackName)} | ${ICON[s.outcome]} ${s.outcome} | ${driftSummary(s)} | ${diffSummary(s.templateDiff)} | ${cell(
          s.errors.map((e) => e.message).join('; '),
          300,
        )} |`,
    ),
  ];
  for (const s of report.stacks) {
    const hasDiff = s.templateDiff && !isEmptyDiff(s.templateDiff);
    // A stack with nothing but short errors is fully described by its table row.
    const longErrors = s.errors.some((e) => e.message.length > 300);
    if (!s.drifts.length && !s.ignored.length && !s.notChecked.length && !hasDiff && !longErrors) continue;
    out.push('', `## ${s.stackName}`);
    if (s.errors.length) {
      out.push('', ...s.errors.map((e) => `- **${e.kind}**: ${e.message}`));
    }
    if (s.drifts.length) out.push('', '### Resource drift', '', ...driftTable(s.drifts, false));
    if (hasDiff && s.templateDiff) {
      const d = s.templateDiff;
      out.push('', '### Changes not deployed yet (generated template vs deployed)', '');
      if (d.added.length) out.push(`- to add: ${d.added.map(code).join(', ')}`);
      if (d.removed.length) out.push(`- to remove: ${d.removed.map(code).join(', ')}`);
      for (const c of d.changed) out.push(`- changed: ${code(c.logicalId)} (${c.keys.map(code).join(', ')})`);
      if (d.sections.length) out.push(`- other sections: ${d.sections.map(code).join(', ')}`);
    }
    if (s.ignored.length) out.push('', '### Ignored (drift-ignore file)', '', ...driftTable(s.ignored, true));
    if (s.notChecked.length) {
      out.push(
        '',
        '### Not checked',
        '',
        'CloudFormation could not check these: UNKNOWN usually means the caller lacks a read permission of the',
        'resource type (see docs/operations.md, drift roles); UNSUPPORTED or NOT_CHECKED, a type without drift support:',
        '',
        ...s.notChecked.map((r) => `- ${code(r.logicalId)} (${r.type}): ${r.status}`),
      );
    }
  }
  if (report.unusedIgnores.length) {
    out.push(
      '',
      '## Ignore entries that matched nothing',
      '',
      ...report.unusedIgnores.map(
        (r) => `- ${r.source}: ${r.stack} / ${r.resource}${r.property ? ` ${r.property}` : ''} (${r.reason})`,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

/** The JSON report: the whole {@link DriftReport}, plus the exit code a CLI run would give. */
export function renderJson(report: DriftReport, exitCode: number): string {
  return `${JSON.stringify({ ...report, exitCode }, null, 2)}\n`;
}

function xml(value: string): string {
  return (
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      .split('')
      // XML 1.0 forbids control characters other than tab, newline and carriage return.
      .filter((ch) => ch.charCodeAt(0) >= 0x20 || ch === '\t' || ch === '\n' || ch === '\r')
      .join('')
  );
}

/** JUnit XML: one test case per stack; drift is a failure, an error (missing stack, timeout, API) an error. */
export function renderJunit(report: DriftReport): string {
  const name = `drift.${report.env}`;
  const cases = report.stacks.map((s) => {
    const open = `    <testcase classname="${xml(name)}" name="${xml(s.stackName)}" time="${(s.durationMs / 1000).toFixed(3)}"`;
    if (s.outcome === 'IN_SYNC') return `${open}/>`;
    if (s.outcome === 'DEFERRED') {
      return `${open}>\n      <skipped message="${xml(`drift detection ${s.detectionId} still running: no verdict yet`)}"/>\n    </testcase>`;
    }
    if (s.outcome === 'NOT_DEPLOYED') {
      return `${open}>\n      <skipped message="${xml(s.errors.map((e) => e.message).join('; '))}"/>\n    </testcase>`;
    }
    const lines = [
      ...s.errors.map((e) => `${e.kind}: ${e.message}`),
      ...s.drifts.flatMap((r) =>
        r.differences.length
          ? r.differences.map(
              (d) => `${r.logicalId} ${r.status} ${d.path} expected=${d.expected} actual=${d.actual}`,
            )
          : [`${r.logicalId} ${r.status}`],
      ),
      ...(s.templateDiff && !isEmptyDiff(s.templateDiff)
        ? [`not deployed yet: ${diffSummary(s.templateDiff)}`]
        : []),
    ];
    const tag = s.outcome === 'ERROR' ? 'error' : 'failure';
    const message =
      s.outcome === 'ERROR'
        ? s.errors.map((e) => e.message).join('; ')
        : `${driftSummary(s)}; template: ${diffSummary(s.templateDiff)}`;
    return `${open}>\n      <${tag} message="${xml(message)}" type="${s.outcome}">${xml(lines.join('\n'))}</${tag}>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="drift" tests="${report.stacks.length}" failures="${report.summary.drifted}" errors="${report.summary.errors}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(name)}" tests="${report.stacks.length}" failures="${report.summary.drifted}" errors="${report.summary.errors}" skipped="${report.summary.notDeployed}" timestamp="${xml(report.startedAt)}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
