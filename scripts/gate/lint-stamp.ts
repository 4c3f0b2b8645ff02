/**
 * The lint stamp: `npm run lint:templates` (cfn-lint + checkov over every template) takes most of a minute, and a
 * launch runs the gate once per stack. After a clean lint the gate writes the SHA-256 of every template into
 * `sceptre/.lint-stamp.json`; a later gate whose templates hash the same skips the lint. Any changed, added or
 * removed template (or a new `npm run generate`, which replaces sceptre/) makes the stamp stale.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP_FILE = '.lint-stamp.json';

/** One hash over every `templates/<env>/*.json` under the Sceptre directory (paths and contents). */
export function templatesHash(sceptreDir: string): string {
  const root = join(sceptreDir, 'templates');
  const hash = createHash('sha256');
  if (!existsSync(root)) return hash.digest('hex');
  for (const env of readdirSync(root).sort()) {
    const dir = join(root, env);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json')) continue;
      hash
        .update(`${env}/${file}\0`)
        .update(readFileSync(join(dir, file)))
        .update('\0');
    }
  }
  return hash.digest('hex');
}

/** True when the stamp records a clean lint of exactly these templates. */
export function stampIsFresh(sceptreDir: string): boolean {
  const file = join(sceptreDir, STAMP_FILE);
  if (!existsSync(file)) return false;
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8')) as { templatesSha256?: string };
    return stamp.templatesSha256 === templatesHash(sceptreDir);
  } catch {
    return false;
  }
}

/** Records a clean lint of the templates that hashed to `templatesSha256` when the lint started. */
export function writeStamp(sceptreDir: string, templatesSha256: string, now: Date): void {
  writeFileSync(
    join(sceptreDir, STAMP_FILE),
    `${JSON.stringify({ templatesSha256, lintedAt: now.toISOString() })}\n`,
  );
}

/**
 * Runs `fn` holding `sceptre/.lint.lock` (parallel stacks of one launch lint once: the others wait, then find
 * the stamp fresh). A lock whose process is gone is taken over.
 */
export async function withLintLock<T>(
  sceptreDir: string,
  sleep: (ms: number) => Promise<void>,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = join(sceptreDir, '.lint.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(existsSync(lock) ? readFileSync(lock, 'utf8') : 0);
      if (holder && !alive(holder)) rmSync(lock, { force: true });
      else await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
