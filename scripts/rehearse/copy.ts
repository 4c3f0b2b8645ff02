/**
 * The rehearsal's copy of the generated Sceptre project: the two resource types the emulator cannot create are
 * substituted (SUBSTITUTIONS), and every gate hook is pointed at the copy (`--sceptre-dir`, `--manifest`).
 * The repository's own sceptre/ is never touched, and the lint stamp still covers its real templates.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

type Resource = { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown };

/** Type → what stands in for it in the rehearsal, and why. */
export const SUBSTITUTIONS: Readonly<
  Record<
    string,
    { readonly type: string; readonly why: string; readonly props: (r: Resource) => Record<string, unknown> }
  >
> = {
  'AWS::SES::EmailIdentity': {
    type: 'AWS::CloudFormation::WaitConditionHandle',
    why: "LocalStack's EmailIdentity is a stub that fails",
    props: () => ({}),
  },
  'AWS::DynamoDB::Table': {
    type: 'AWS::SQS::Queue',
    why: 'LocalStack needs DynamoDBLocal (Java, not available here): a ~5-minute stall, then failure',
    // Ref becomes the queue URL and GetAtt Arn the queue ARN: enough for the environment variables and policies.
    props: (r) => ({ QueueName: String(r.Properties?.TableName ?? 'table') }),
  },
};

export interface Substituted {
  readonly stack: string;
  readonly logicalId: string;
  readonly from: string;
  readonly to: string;
}

/** Copies `sceptre/{config,templates}` of `env` into a new directory, substituted and re-hooked. */
export function prepareCopy(
  env: string,
  manifestSource: string,
  source = 'sceptre',
): { dir: string; manifest: string; substituted: Substituted[] } {
  const dir = mkdtempSync(join(tmpdir(), 'rehearse-sceptre-'));
  const manifest = join(dir, 'manifest.json');
  cpSync(manifestSource, manifest);
  cpSync(join(source, 'config'), join(dir, 'config'), { recursive: true });
  cpSync(join(source, 'templates', env), join(dir, 'templates', env), { recursive: true });
  const substituted: Substituted[] = [];
  for (const file of readdirSync(join(dir, 'templates', env))) {
    const path = join(dir, 'templates', env, file);
    const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources: Record<string, Resource> };
    for (const [id, r] of Object.entries(template.Resources)) {
      const sub = SUBSTITUTIONS[r.Type];
      if (!sub) continue;
      template.Resources[id] = {
        Type: sub.type,
        ...(r.DeletionPolicy ? { DeletionPolicy: r.DeletionPolicy } : {}),
        Properties: sub.props(r),
      };
      if (!Object.keys(template.Resources[id]!.Properties ?? {}).length)
        delete template.Resources[id]!.Properties;
      substituted.push({ stack: file.replace(/\.json$/, ''), logicalId: id, from: r.Type, to: sub.type });
    }
    writeFileSync(path, `${JSON.stringify(template, null, 1)}\n`);
  }
  for (const file of readdirSync(join(dir, 'config', env))) {
    const path = join(dir, 'config', env, file);
    const text = readFileSync(path, 'utf8').replace(
      /(scripts\/gate\.ts \S+ \S+ \S+)"/g,
      `$1 --sceptre-dir ${resolve(dir)} --manifest ${resolve(manifest)}"`,
    );
    writeFileSync(path, text);
  }
  return { dir, manifest, substituted };
}
