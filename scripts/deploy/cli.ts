/**
 * `npm run deploy -- <env> [--dry-run]`: generate, lint, then `uv run sceptre --dir sceptre launch -y <env>`.
 * Refuses to deploy when linting fails. `--dry-run` launches nothing: for each stack that exists it creates a
 * change set from the generated template, shows its changes and deletes it; it lists the stacks it would create.
 * Exit 0 done, 1 a step failed (or a change set could not be made), 2 usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  type Change,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  type DescribeChangeSetCommandOutput,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { AccountMismatchError } from '../../contracts/account.js';
import { CFN_TEMPLATE_BODY_LIMIT, INLINE_TEMPLATE_LIMIT } from '../../contracts/limits.js';
import { STACK_IDS, stackName } from '../../contracts/names.js';
import type { CloudFormationSender } from '../../lib/drift/engine.js';
import { ConfigError, describeError, isMissingStack, UsageError } from '../../lib/errors.js';
import { loadIgnoreFile } from '../drift/ignore.js';
import { isResolverValue, loadSceptreEnvironment, type SceptreStack } from '../drift/sceptre.js';
import { parseTemplate } from '../drift/template-parse.js';
import { driftCheck } from '../gate/drift-check.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, listOf, parseEnvironmentCommand, usageText } from '../lib/args.js';
import { type CommandClock, type CommandIo, requireEnvironment } from '../lib/preflight.js';

export const DEPLOY_USAGE = usageText({
  synopsis:
    'npm run deploy -- <env> [--dry-run] [--allow-drift <stack,...|all>] [--allow-replace <stack,...|all>]\n' +
    '                         [--sceptre-dir sceptre] [--environments-dir environments]',
  details: [
    `--allow-drift, --allow-replace  all, or stacks among ${STACK_IDS.join(', ')}`,
    '--dry-run  change sets and the drift check only: nothing is launched',
  ],
  exitCodes: '0 done, 1 a step failed or was refused (lint, account, drift), 2 usage error',
});

export interface DeployIo extends CommandIo, CommandClock {
  /** Runs a command with inherited output (and extra environment variables); resolves to its exit code. */
  readonly run: (
    command: string,
    args: readonly string[],
    env?: Readonly<Record<string, string>>,
  ) => Promise<number>;
  readonly cloudformation: (region: string) => CloudFormationSender;
  /** S3, for templates over the inline limit (uploaded to the artifacts bucket, as Sceptre does). */
  readonly s3?: (region: string) => { send(command: unknown): Promise<unknown> };
}

class StepFailed extends Error {
  override readonly name = 'StepFailed';
}

async function step(
  io: DeployIo,
  label: string,
  command: string,
  args: readonly string[],
  refusal?: string,
  env?: Readonly<Record<string, string>>,
) {
  const shown = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v} `);
  io.stderr(`deploy: ${label}: ${shown.join('')}${command} ${args.join(' ')}\n`);
  const code = await io.run(command, args, env);
  if (code !== 0) throw new StepFailed(`${refusal ?? `${label} failed`} (exit ${code})`);
}

/** Outputs of deployed stacks, by Sceptre stack path (`dev/base.yaml`), read once each. */
export type StackOutputs = (stackPath: string) => Promise<Readonly<Record<string, string>> | undefined>;

async function parametersFor(
  stack: SceptreStack,
  template: Record<string, unknown>,
  deployed: ReadonlySet<string>,
  outputs: StackOutputs,
): Promise<{ parameters: Parameter[]; notes: string[] }> {
  const declared = Object.keys((template.Parameters ?? {}) as object);
  const parameters: Parameter[] = [];
  const notes: string[] = [];
  for (const key of declared) {
    const value = stack.parameters[key];
    if (value !== undefined && !isResolverValue(value) && typeof value !== 'object') {
      parameters.push({ ParameterKey: key, ParameterValue: String(value) });
      continue;
    }
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) {
      parameters.push({ ParameterKey: key, ParameterValue: value.join(',') });
      continue;
    }
    // `!stack_output dev/base.yaml::ArtifactsBucketName`: what Sceptre resolves, from the deployed stack.
    if (isResolverValue(value) && value.resolver === 'stack_output' && typeof value.argument === 'string') {
      const [path, output] = value.argument.split('::');
      const found = path && output ? await outputs(path) : undefined;
      const resolved = found?.[output ?? ''];
      if (resolved !== undefined) {
        parameters.push({ ParameterKey: key, ParameterValue: resolved });
        continue;
      }
      const why = found ? `${path} has no output ${output}` : `${path} is not deployed`;
      notes.push(`${key}: ${why}${deployed.has(key) ? ', previous value used' : ''}`);
    } else if (value !== undefined && deployed.has(key)) {
      notes.push(`${key}: resolver value not resolved here, previous value used`);
    }
    if (deployed.has(key)) parameters.push({ ParameterKey: key, UsePreviousValue: true });
  }
  return { parameters, notes };
}

function changeLine(c: Change): string {
  const r = c.ResourceChange;
  if (!r) return `- ${c.Type ?? '?'}`;
  const replace =
    r.Replacement === 'True' ? ' (REPLACEMENT)' : r.Replacement === 'Conditional' ? ' (may replace)' : '';
  const details = (r.Details ?? [])
    .map((d) => d.Target?.Name ?? d.Target?.Attribute)
    .filter(Boolean)
    .join(', ');
  return `- ${r.Action ?? '?'} ${r.LogicalResourceId ?? '?'} (${r.ResourceType ?? '?'})${replace}${details ? `: ${details}` : ''}`;
}

/** Creates, reads and deletes one change set; returns the lines to print. */
async function previewStack(
  stack: SceptreStack,
  cfn: CloudFormationSender,
  io: DeployIo,
  where: { region: string; baseStackName: string; outputs: StackOutputs },
): Promise<{ lines: string[]; failed: boolean; create: boolean }> {
  let deployedParams: Set<string>;
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack.stackName }));
    deployedParams = new Set((out.Stacks?.[0]?.Parameters ?? []).map((p: Parameter) => p.ParameterKey ?? ''));
  } catch (error) {
    if (isMissingStack(error))
      return { lines: [`${stack.stackName}: would be CREATED`], failed: false, create: true };
    return { lines: [`${stack.stackName}: ${describeError(error)}`], failed: true, create: false };
  }
  if (!existsSync(stack.templatePath)) {
    return {
      lines: [`${stack.stackName}: no generated template at ${stack.templatePath}`],
      failed: true,
      create: false,
    };
  }
  const body = readFileSync(stack.templatePath, 'utf8');
  let template: { TemplateBody: string } | { TemplateURL: string } = { TemplateBody: body };
  let uploaded: { bucket: string; key: string } | undefined;
  if (Buffer.byteLength(body) > INLINE_TEMPLATE_LIMIT) {
    if (!io.s3) {
      return {
        lines: [
          `${stack.stackName}: template is over the ${CFN_TEMPLATE_BODY_LIMIT}-byte inline limit and no S3 client is set`,
        ],
        failed: true,
        create: false,
      };
    }
    try {
      const base: DescribeStacksCommandOutput = await cfn.send(
        new DescribeStacksCommand({ StackName: where.baseStackName }),
      );
      const bucket = base.Stacks?.[0]?.Outputs?.find(
        (o) => o.OutputKey === 'ArtifactsBucketName',
      )?.OutputValue;
      if (!bucket) throw new Error(`${where.baseStackName} has no ArtifactsBucketName output`);
      const key = `templates/dry-run/${stack.stackName}-${io.now()}.json`;
      await io.s3(where.region).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      uploaded = { bucket, key };
      template = { TemplateURL: `https://${bucket}.s3.${where.region}.amazonaws.com/${key}` };
    } catch (error) {
      return {
        lines: [
          `${stack.stackName}: template over the inline limit could not be uploaded: ${describeError(error)}`,
        ],
        failed: true,
        create: false,
      };
    }
  }
  const { parameters, notes } = await parametersFor(
    stack,
    parseTemplate(body),
    deployedParams,
    where.outputs,
  );
  const name = `deploy-dry-run-${io.now()}`;
  const lines = [`${stack.stackName}: change set ${name}`];
  try {
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: stack.stackName,
        ChangeSetName: name,
        ChangeSetType: 'UPDATE',
        ...template,
        Parameters: parameters,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        Description: 'npm run deploy --dry-run preview; deleted right after reading',
      }),
    );
    const deadline = io.now() + 300_000;
    let out: DescribeChangeSetCommandOutput;
    for (;;) {
      out = await cfn.send(new DescribeChangeSetCommand({ StackName: stack.stackName, ChangeSetName: name }));
      if (out.Status === 'CREATE_COMPLETE' || out.Status === 'FAILED') break;
      if (io.now() > deadline) throw new Error(`change set still ${out.Status} after 300 s`);
      await io.sleep(2000);
    }
    if (out.Status === 'FAILED') {
      const noChanges = /didn't contain changes|No updates are to be performed/i.test(out.StatusReason ?? '');
      lines.push(
        noChanges ? '  no changes' : `  change set FAILED: ${out.StatusReason ?? 'no reason given'}`,
      );
      return { lines: [...lines, ...notes.map((n) => `  note: ${n}`)], failed: !noChanges, create: false };
    }
    const changes: Change[] = [...(out.Changes ?? [])];
    let token = out.NextToken;
    while (token) {
      const page: DescribeChangeSetCommandOutput = await cfn.send(
        new DescribeChangeSetCommand({ StackName: stack.stackName, ChangeSetName: name, NextToken: token }),
      );
      changes.push(...(page.Changes ?? []));
      token = page.NextToken;
    }
    lines.push(...(changes.length ? changes.map((c) => `  ${changeLine(c)}`) : ['  no resource changes']));
    return { lines: [...lines, ...notes.map((n) => `  note: ${n}`)], failed: false, create: false };
  } catch (error) {
    lines.push(`  could not preview: ${describeError(error)}`);
    return { lines, failed: true, create: false };
  } finally {
    try {
      await cfn.send(new DeleteChangeSetCommand({ StackName: stack.stackName, ChangeSetName: name }));
    } catch {
      // the change set was never created, or is gone already
    }
    if (uploaded && io.s3) {
      await io
        .s3(where.region)
        .send(new DeleteObjectCommand({ Bucket: uploaded.bucket, Key: uploaded.key }))
        .catch(() => undefined);
    }
  }
}

/** `region` of an environment file (read alone: generate validates the whole file next). */
function environmentRegion(file: string): string {
  const doc = parse(readFileSync(file, 'utf8')) as { region?: unknown } | null;
  return typeof doc?.region === 'string' ? doc.region : 'ap-northeast-1';
}

/** Runs the deploy command; returns the exit code. */
export async function deployMain(argv: readonly string[], io: DeployIo): Promise<number> {
  const help = answerHelp(argv, DEPLOY_USAGE, io.stdout);
  if (help !== undefined) return help;
  try {
    const { values, env, sceptreDir, environmentsDir } = parseEnvironmentCommand(
      argv,
      {
        'dry-run': { type: 'boolean' },
        'allow-drift': { type: 'string' },
        'allow-replace': { type: 'string' },
      },
      DEPLOY_USAGE,
    );
    // a typo would silently override nothing: only stack names of the project (or all) are taken
    const allowDrift = listOf('allow-drift', values['allow-drift'], STACK_IDS);
    const allowReplace = listOf('allow-replace', values['allow-replace'], STACK_IDS);
    // cheap checks first: the environment exists, the credentials are its account's (before generate and lint)
    const region = environmentRegion(requireEnvironment(env, environmentsDir));
    const account = await checkAccount(accountTargetOf(env, environmentsDir), () => io.callerAccount(region));
    io.stderr(`deploy: account ${account} is ${env}'s\n`);
    await step(io, 'generate', 'npm', ['run', 'generate']);
    await step(io, 'lint', 'npm', ['run', 'lint:templates'], 'refusing to deploy: template lint failed');
    const sceptre = loadSceptreEnvironment(sceptreDir, env);
    if (!values['dry-run']) {
      // The stack hooks (scripts/gate.ts) run the same gates again once per stack action, whatever command runs.
      const overrides: Record<string, string> = {};
      if (allowDrift.length) overrides.DEPLOY_ALLOW_DRIFT = allowDrift.join(',');
      if (allowReplace.length) overrides.DEPLOY_ALLOW_REPLACE = allowReplace.join(',');
      await step(
        io,
        'launch',
        'uv',
        ['run', 'sceptre', '--dir', sceptreDir, 'launch', '-y', env],
        'sceptre launch failed',
        Object.keys(overrides).length ? overrides : undefined,
      );
      io.stdout(`deploy: ${env} launched (${sceptre.stacks.map((s) => s.stackName).join(', ')})\n`);
      return 0;
    }
    const cfn = io.cloudformation(sceptre.region);
    const baseStackName =
      sceptre.stacks.find((s) => s.name === 'base')?.stackName ??
      stackName({ projectCode: sceptre.projectCode, sceptreEnv: env }, 'base');
    const cache = new Map<string, Promise<Record<string, string> | undefined>>();
    const outputs: StackOutputs = (path) => {
      const name = sceptre.stacks.find((s) => `${env}/${s.name}.yaml` === path)?.stackName;
      if (!name) return Promise.resolve(undefined);
      if (!cache.has(name)) {
        cache.set(
          name,
          (async () => {
            try {
              const out: DescribeStacksCommandOutput = await cfn.send(
                new DescribeStacksCommand({ StackName: name }),
              );
              return Object.fromEntries(
                (out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
              );
            } catch (error) {
              if (isMissingStack(error)) return undefined;
              throw error;
            }
          })(),
        );
      }
      return cache.get(name) as Promise<Record<string, string> | undefined>;
    };
    const where = { region: sceptre.region, baseStackName, outputs };
    const previews = await Promise.all(sceptre.stacks.map((s) => previewStack(s, cfn, io, where)));
    // The drift findings the gate would act on before each update (same engine, ignore file and overrides).
    const ignore = existsSync('drift-ignore.yaml') ? loadIgnoreFile('drift-ignore.yaml') : [];
    const results = await Promise.all(
      previews.map(async (r, i) => {
        const stack = sceptre.stacks[i];
        if (r.create || !stack || !existsSync(stack.templatePath)) return r;
        const drift = await driftCheck(
          stack,
          parseTemplate(readFileSync(stack.templatePath, 'utf8')) as Parameters<typeof driftCheck>[1],
          { cloudformation: cfn, sleep: io.sleep, now: io.now },
          { ignore, override: allowDrift.includes(stack.name) || allowDrift.includes('all') },
        );
        return {
          ...r,
          lines: [
            ...r.lines,
            ...drift.lines.map((l) => `  ${l}`),
            ...(drift.ok ? [] : [`  => the deploy would REFUSE to update ${stack.stackName}`]),
          ],
          failed: r.failed || !drift.ok,
        };
      }),
    );
    const create = sceptre.stacks.filter((_, i) => results[i]?.create).map((s) => s.stackName);
    io.stdout(
      [
        `Dry run for ${env} (${sceptre.region}): nothing was deployed.`,
        '',
        ...results.filter((r) => !r.create).flatMap((r) => r.lines),
        '',
        create.length ? `Stacks it would create: ${create.join(', ')}` : 'No stack would be created.',
        '',
      ].join('\n'),
    );
    return results.some((r) => r.failed) ? 1 : 0;
  } catch (error) {
    if (error instanceof StepFailed || error instanceof AccountMismatchError) {
      io.stderr(`deploy: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`deploy: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
