/**
 * Replaces generated directories as a whole: every file is written to a staging directory first, and only when
 * all of them are written is each target directory swapped in by rename. A failure before the swap leaves the
 * previous output exactly as it was; stale files (a removed stack) disappear with the old directory.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export interface WriteReport {
  readonly changed: readonly string[];
  readonly unchanged: number;
  readonly removed: readonly string[];
}

/** Every file below `dir` (recursively, sorted), as paths relative to `dir`; none when `dir` does not exist. */
export function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full, `${prefix}${name}/`) : [`${prefix}${name}`];
    });
}

/**
 * Makes each directory of `roots` (relative to `base`) hold exactly the files of `files` below it
 * (`files` keys are relative to `base`).
 */
export function replaceDirectories(
  base: string,
  roots: readonly string[],
  files: ReadonlyMap<string, string>,
): WriteReport {
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = join(base, `.staging-${stamp}`);
  const changed: string[] = [];
  let unchanged = 0;
  const before = new Set(roots.flatMap((r) => listFiles(join(base, r), `${r}/`)));
  try {
    for (const [rel, content] of files) {
      if (!roots.some((r) => rel.startsWith(`${r}/`))) {
        throw new Error(`generated file ${rel} is outside the generated directories ${roots.join(', ')}`);
      }
      const current = join(base, rel);
      if (existsSync(current) && readFileSync(current, 'utf8') === content) unchanged += 1;
      else changed.push(rel);
      const target = join(staging, rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    for (const root of roots) {
      const previous = join(base, root);
      const next = join(staging, root);
      mkdirSync(next, { recursive: true });
      mkdirSync(dirname(previous), { recursive: true });
      if (existsSync(previous)) {
        const old = join(base, `.old-${stamp}-${root.replace(/\//g, '_')}`);
        renameSync(previous, old);
        renameSync(next, previous);
        rmSync(old, { recursive: true, force: true });
      } else {
        renameSync(next, previous);
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { changed, unchanged, removed: [...before].filter((f) => !files.has(f)) };
}
