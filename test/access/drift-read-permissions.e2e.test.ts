/** The committed drift read-permission snapshot matches the pinned cfn-lint's resource schemas (needs uv sync). */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('generators/data/drift-read-permissions.json', () => {
  it("matches the read handlers of the pinned cfn-lint's schemas", () => {
    const out = execFileSync('node', ['scripts/run.mjs', 'scripts/drift-read-permissions.ts', '--check'], {
      encoding: 'utf8',
    });
    expect(out).toContain('matches the pinned cfn-lint');
  }, 120_000);
});
