/**
 * The deploy gate: one code path that every way of deploying runs, through Sceptre hooks written into each
 * stack config by `npm run generate` (`npm run deploy`, `sceptre launch`, `sceptre create`, `sceptre update
 * <stack>` all run them, once per stack action):
 *
 * - `before-create` / `before-update`: the target account (assertAccount), the template lint (cfn-lint +
 *   checkov once per set of template hashes: the lint stamp), the stack's Lambda bundles uploaded; before an
 *   update also drift detection on the live stack (refused when drifted unless ignored or overridden), and in
 *   production the stack policy re-applied (or the explicit replace override).
 * - `after-create` / `after-update`: production stack policy and termination protection; the deployed bundle
 *   keys recorded and unreferenced artifacts tagged for expiry.
 * - `before-delete`: the stack's buckets that are deleted with it (DeletionPolicy Delete: dev) emptied,
 *   versions included; retained buckets named.
 *
 * Every dependency is injected, so tests drive it with client mocks.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  SetStackPolicyCommand,
} from '@aws-sdk/client-cloudformation';
import { configObjectPath } from '../../contracts/artifacts.js';
import type { CloudFormationSender } from '../../lib/drift/engine.js';
import type { IgnoreRule } from '../drift/ignore.js';
import { loadSceptreEnvironment } from '../drift/sceptre.js';
import { parseTemplate } from '../drift/template-parse.js';
import { type AccountTarget, checkAccount } from '../lib/account.js';
import { emptyBucket, markUnreferenced, recordDeployed, recordPending } from './artifacts.js';
import {
  artifactKeysOf,
  bundleKeysOf,
  configKeysOf,
  type Manifest,
  type S3Sender,
  uploadBundles,
  uploadConfigObjects,
} from './bundles.js';
import { driftCheck } from './drift-check.js';
import { stampIsFresh, withLintLock } from './lint-stamp.js';
import { OVERRIDE_POLICY, protectionRequests, stackPolicyBody, stackPolicyFor } from './protect.js';

export const GATE_ACTIONS = [
  'before-create',
  'before-update',
  'after-create',
  'after-update',
  'before-delete',
] as const;
export type GateAction = (typeof GATE_ACTIONS)[number];

export interface GateRequest {
  readonly env: string;
  /** Stack file name: `monitoring`. */
  readonly stack: string;
  readonly action: GateAction;
  readonly sceptreDir: string;
}

export interface GateDeps {
  readonly account: AccountTarget;
  readonly callerAccount: () => Promise<string | undefined>;
  readonly cloudformation: CloudFormationSender;
  readonly s3: S3Sender;
  /** Runs a command (the lint); resolves to its exit code. */
  readonly run: (command: string, args: readonly string[]) => Promise<number>;
  readonly manifest: () => Manifest;
  readonly readZip: (path: string) => Uint8Array;
  /** The local copy of a configuration object (`dist/<key>`), undefined when missing. @default reads dist/<key> */
  readonly readConfigObject?: (key: string) => string | undefined;
  readonly ignore: readonly IgnoreRule[];
  /** Operator overrides: the stacks named in DEPLOY_ALLOW_DRIFT / DEPLOY_ALLOW_REPLACE (`all` for every one). */
  readonly allowDrift: readonly string[];
  readonly allowReplace: readonly string[];
  readonly log: (line: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly driftTimeoutMs?: number;
  /** The Sceptre directory `npm run lint:templates` lints. @default sceptre */
  readonly lintDir?: string;
}

export class GateRefusal extends Error {
  override readonly name = 'GateRefusal';
}

const named = (list: readonly string[], stack: string) => list.includes(stack) || list.includes('all');

async function artifactsBucket(cfn: CloudFormationSender, baseStackName: string): Promise<string> {
  const out = await cfn.send(new DescribeStacksCommand({ StackName: baseStackName }));
  const bucket = out.Stacks?.[0]?.Outputs?.find(
    (o: { OutputKey?: string }) => o.OutputKey === 'ArtifactsBucketName',
  )?.OutputValue;
  if (!bucket)
    throw new GateRefusal(`stack ${baseStackName} has no ArtifactsBucketName output: launch base first`);
  return bucket;
}

/** Runs the gate for one stack action; throws {@link GateRefusal} (or the account error) to stop Sceptre. */
export async function runGate(req: GateRequest, deps: GateDeps): Promise<void> {
  const log = (line: string) => deps.log(`gate ${req.env}/${req.stack} ${req.action}: ${line}`);
  const sceptre = loadSceptreEnvironment(req.sceptreDir, req.env);
  const stack = sceptre.stacks.find((s) => s.name === req.stack);
  if (!stack) throw new GateRefusal(`no stack ${req.stack} in ${req.sceptreDir}/config/${req.env}`);
  if (!existsSync(stack.templatePath))
    throw new GateRefusal(`no template ${stack.templatePath}: run npm run generate`);
  const template = parseTemplate(readFileSync(stack.templatePath, 'utf8')) as {
    Resources?: Record<string, { Type?: string; Properties?: unknown; DeletionPolicy?: string }>;
  };
  const production = sceptre.environment === 'production';
  const baseStackName =
    sceptre.stacks.find((s) => s.name === 'base')?.stackName ?? `${sceptre.projectCode}-${req.env}-base`;

  const account = await checkAccount(deps.account, deps.callerAccount);
  log(`account ${account} is ${req.env}'s`);

  if (req.action === 'before-create' || req.action === 'before-update') {
    await lint(deps, log);
    const keys = artifactKeysOf(template);
    if (keys.length) {
      const bucket = await artifactsBucket(deps.cloudformation, baseStackName);
      await recordPending(deps.s3, bucket, stack.stackName, keys);
      const bundles = bundleKeysOf(template);
      if (bundles.length) {
        for (const line of await uploadBundles(bundles, deps.manifest(), bucket, deps.s3, deps.readZip))
          log(line);
      }
      const read = deps.readConfigObject ?? readLocalConfigObject;
      for (const line of await uploadConfigObjects(configKeysOf(template), bucket, deps.s3, read)) log(line);
    }
    if (req.action === 'before-update') {
      const result = await driftCheck(
        stack,
        template,
        { cloudformation: deps.cloudformation, sleep: deps.sleep, now: deps.now },
        {
          ignore: deps.ignore,
          override: named(deps.allowDrift, req.stack),
          ...(deps.driftTimeoutMs ? { timeoutMs: deps.driftTimeoutMs } : {}),
        },
      );
      for (const line of result.lines) log(line);
      if (!result.ok)
        throw new GateRefusal(`update of ${stack.stackName} refused by the drift check (above)`);
      if (production) {
        const override = named(deps.allowReplace, req.stack);
        const policy = override ? OVERRIDE_POLICY : stackPolicyFor(template);
        await deps.cloudformation.send(
          new SetStackPolicyCommand({ StackName: stack.stackName, StackPolicyBody: stackPolicyBody(policy) }),
        );
        log(
          override
            ? 'OVERRIDE DEPLOY_ALLOW_REPLACE given by the operator: stateful resources may be replaced or deleted by this update'
            : 'stack policy applied: stateful resources cannot be replaced or deleted',
        );
      }
    }
    return;
  }

  if (req.action === 'after-create' || req.action === 'after-update') {
    const described = await deps.cloudformation.send(
      new DescribeStacksCommand({ StackName: stack.stackName }),
    );
    const status: string = described.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
    if (!['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'].includes(status)) {
      throw new GateRefusal(
        `${stack.stackName} is ${status} after the ${req.action.slice(6)}: nothing to protect or record`,
      );
    }
    if (production) {
      for (const request of protectionRequests(stack.stackName, stackPolicyFor(template))) {
        await deps.cloudformation.send(request);
      }
      log(
        'stack policy (deny Update:Replace/Update:Delete on stateful resources) and termination protection set',
      );
    }
    const bucket = await artifactsBucket(deps.cloudformation, baseStackName);
    const deployed = await deps.cloudformation.send(
      new GetTemplateCommand({ StackName: stack.stackName, TemplateStage: 'Original' }),
    );
    const record = await recordDeployed(
      deps.s3,
      bucket,
      stack.stackName,
      artifactKeysOf(parseTemplate(deployed.TemplateBody ?? '{}')),
    );
    log(
      `artifacts: ${record.current.length} bundle(s) and configuration object(s) in use, ${record.previous.length} kept for a rollback`,
    );
    for (const line of await markUnreferenced(deps.s3, bucket)) log(line);
    return;
  }

  // before-delete
  const buckets = Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::S3::Bucket');
  if (!buckets.length) return;
  const live = await deps.cloudformation.send(
    new DescribeStackResourcesCommand({ StackName: stack.stackName }),
  );
  for (const [logicalId, r] of buckets) {
    const physical = live.StackResources?.find(
      (x: { LogicalResourceId?: string }) => x.LogicalResourceId === logicalId,
    )?.PhysicalResourceId;
    if (!physical) continue;
    if (r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate') {
      log(
        `s3://${physical} (${logicalId}) is RETAINED (DeletionPolicy ${r.DeletionPolicy}): it outlives the stack`,
      );
      continue;
    }
    const n = await emptyBucket(deps.s3, physical);
    log(
      `s3://${physical} (${logicalId}) emptied for deletion: ${n} object version(s) and delete marker(s) removed`,
    );
  }
}

/** `dist/<key>` as npm run generate wrote it (the hooks run at the repository root). */
function readLocalConfigObject(key: string): string | undefined {
  const path = configObjectPath(key);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Lints the repository's generated templates (`sceptre/`, what lint:templates reads) once per set of hashes. */
async function lint(deps: GateDeps, log: (line: string) => void): Promise<void> {
  const sceptreDir = deps.lintDir ?? 'sceptre';
  if (stampIsFresh(sceptreDir)) {
    log('lint: templates unchanged since their last clean lint (sceptre/.lint-stamp.json)');
    return;
  }
  await withLintLock(sceptreDir, deps.sleep, async () => {
    if (stampIsFresh(sceptreDir)) return log('lint: linted by a parallel stack a moment ago');
    log(
      'lint: npm run lint:templates (cfn-lint + checkov over every template; a clean run writes the stamp)',
    );
    const code = await deps.run('npm', ['run', '-s', 'lint:templates']);
    if (code !== 0) throw new GateRefusal(`template lint failed (exit ${code}): refusing to deploy`);
    if (!stampIsFresh(sceptreDir))
      throw new GateRefusal('template lint passed but left no fresh stamp (templates changed meanwhile?)');
    log('lint: clean');
  });
}
