/**
 * `npm run generate` arguments and what `--remove-environment` may remove: pure functions, so that every refusal
 * is tested without running the generator.
 */
import { UsageError } from '../../lib/errors.js';
import { usageText } from '../lib/args.js';

export const GENERATE_USAGE = usageText({
  synopsis: 'npm run generate [-- [--remove-environment <env>] ... [--move-identities] [--force]]',
  details: [
    '--remove-environment <env>  drop the generated files (sceptre/config/<env>, sceptre/templates/<env>) of an',
    '                            environment whose environments/<env>.yaml was deleted; its stacks stay deployed',
    '--force                     render even when nothing changed since the last run',
    '--move-identities           accept that a changed ses.identityStacks moves SES identities to other stacks',
    '                            (each is deleted and re-created; README "Spreading identities over stacks")',
  ],
  exitCodes: '0 written (or nothing changed), 1 invalid environment file or argument: nothing was written',
});

/**
 * The environments `--remove-environment` names (repeatable; `--remove-environment=<env>` too), and whether
 * `--move-identities` accepts identity moves.
 */
export function parseGenerateArgs(argv: readonly string[]): { remove: Set<string>; moveIdentities: boolean } {
  const remove = new Set<string>();
  let moveIdentities = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--move-identities') moveIdentities = true;
    else if (arg === '--remove-environment' && argv[i + 1] && !argv[i + 1]!.startsWith('-'))
      remove.add(argv[++i]!);
    else if (arg.startsWith('--remove-environment=')) remove.add(arg.slice('--remove-environment='.length));
    else
      throw new UsageError(
        `unknown argument ${JSON.stringify(arg)}; usage: npm run generate [-- --remove-environment <env>]`,
      );
  }
  return { remove, moveIdentities };
}

/**
 * The environments whose generated files go: those named by `--remove-environment` that have generated files
 * and no environment file. Naming one that has no generated files, or one that still has its file, is refused
 * (naming it and listing what exists) rather than ignored: a typo must not look like a removal.
 */
export function removals(
  remove: ReadonlySet<string>,
  configured: ReadonlySet<string>,
  generated: readonly string[],
): string[] {
  for (const env of remove) {
    if (configured.has(env)) {
      throw new UsageError(
        `--remove-environment ${env}: environments/${env}.yaml still exists, so its files are generated again; ` +
          `delete its stacks, then the file, first (README: "Adding and removing an environment")`,
      );
    }
    if (!generated.includes(env)) {
      const orphans = generated.filter((e) => !configured.has(e));
      throw new UsageError(
        `--remove-environment ${env}: sceptre/ holds no generated files of an environment '${env}'; ` +
          `generated: ${generated.join(', ') || 'none'}` +
          `${orphans.length ? ` (without an environment file: ${orphans.join(', ')})` : ' (each still has its environment file: nothing to remove)'}`,
      );
    }
  }
  return generated.filter((e) => remove.has(e));
}
