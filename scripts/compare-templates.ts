/**
 * `node scripts/run.mjs scripts/compare-templates.ts <base-commit> [--keep]`: generates the templates of
 * <base-commit> in a throw-away git worktree and compares them, JSON value by JSON value, with the templates
 * this checkout generates (`npm run generate` first). The content-addressed `S3Key` of a Lambda bundle changes
 * whenever handler code changes, so S3Key values are compared as "present on both sides" only. Every other
 * difference is printed as `<file> <json path>: <before> -> <after>`; exit 1 when there is one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A value for the report, cut to 160 characters (dashboard bodies are one long string). */
function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Every difference between two JSON values, `S3Key` values ignored. */
export function jsonDiff(before: unknown, after: unknown, path = '$'): string[] {
  if (path.endsWith('.S3Key') && typeof before === 'string' && typeof after === 'string') return [];
  if (typeof before !== typeof after || Array.isArray(before) !== Array.isArray(after)) {
    return [`${path}: ${short(before)} -> ${short(after)}`];
  }
  if (before && after && typeof before === 'object') {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    const out = keys.flatMap((k) => jsonDiff(a[k], b[k], `${path}.${k}`));
    if (!Array.isArray(before) && Object.keys(a).join() !== Object.keys(b).join() && !out.length) {
      out.push(`${path}: key order ${Object.keys(a).join(',')} -> ${Object.keys(b).join(',')}`);
    }
    return out;
  }
  return before === after ? [] : [`${path}: ${short(before)} -> ${short(after)}`];
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** Compares two generated `sceptre/templates` directories; returns the differences. */
export function compareDirs(beforeDir: string, afterDir: string): string[] {
  const before = files(beforeDir);
  const after = files(afterDir);
  const out: string[] = [];
  for (const f of before.filter((x) => !after.includes(x))) out.push(`${f}: only before`);
  for (const f of after.filter((x) => !before.includes(x))) out.push(`${f}: only after`);
  for (const f of before.filter((x) => after.includes(x))) {
    const a = JSON.parse(readFileSync(join(beforeDir, f), 'utf8'));
    const b = JSON.parse(readFileSync(join(afterDir, f), 'utf8'));
    out.push(...jsonDiff(a, b).map((d) => `${f} ${d}`));
  }
  return out;
}

function main(): number {
  const [commit, ...flags] = process.argv.slice(2);
  if (!commit) {
    console.error('usage: node scripts/run.mjs scripts/compare-templates.ts <base-commit> [--keep]');
    return 2;
  }
  const root = process.cwd();
  const afterDir = resolve(root, 'sceptre/templates');
  if (!existsSync(afterDir)) {
    console.error('sceptre/templates is missing: run npm run generate first');
    return 2;
  }
  const work = mkdtempSync(join(tmpdir(), 'compare-templates-'));
  const tree = join(work, 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, commit], { stdio: 'inherit' });
  try {
    symlinkSync(resolve(root, 'node_modules'), join(tree, 'node_modules'));
    execFileSync('node', ['scripts/run.mjs', 'scripts/generate.ts'], { cwd: tree, stdio: 'inherit' });
    const diffs = compareDirs(join(tree, 'sceptre/templates'), afterDir);
    for (const d of diffs) console.log(d);
    console.log(
      `${diffs.length} difference(s) between ${commit} and the working tree (S3Key values ignored)`,
    );
    return diffs.length ? 1 : 0;
  } finally {
    if (!flags.includes('--keep')) {
      execFileSync('git', ['worktree', 'remove', '--force', tree]);
      rmSync(work, { recursive: true, force: true });
    } else console.log(`kept ${tree}`);
  }
}

if (process.argv[1]?.endsWith('compare-templates.mjs')) process.exitCode = main();
