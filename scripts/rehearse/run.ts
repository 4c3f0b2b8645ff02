/**
 * The rehearsal's steps against the emulator, through the real Sceptre project and hooks:
 * 1. a launch with another account's credentials, which the gate must refuse;
 * 2. `sceptre launch` of the environment; SDK checks of what each stack really holds (created / faked / failed);
 * 3. a handler change (the notifier bundle's code changes, so its key changes) and `sceptre update
 *    <env>/monitoring.yaml`: the function's code key in the deployed template and its CodeSha256 change;
 * 4. `sceptre delete` of the environment (the gate empties the versioned buckets first); no stack or bucket left.
 * Any emulator fallback or failure in its log that the reviewed allow-list does not name fails the rehearsal.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { deterministicZip, type ZipEntry } from '../lib/zip.js';
import { ALLOWED_LOG_LINES, suspiciousLogLines } from './allow-list.js';
import type { Substituted } from './copy.js';

export interface RehearseDeps {
  readonly env: string;
  readonly account: string;
  readonly endpoint: string;
  readonly logFile: string;
  readonly sceptreDir: string;
  readonly manifest: string;
  readonly substituted: readonly Substituted[];
  readonly run: (
    command: string,
    args: readonly string[],
    env: Record<string, string | undefined>,
  ) => Promise<{ code: number; output: string }>;
  readonly readFile: (path: string) => Buffer;
  readonly writeFile: (path: string, data: string | Buffer) => void;
}

type Verdict = 'created' | 'faked' | 'failed' | 'substituted' | 'status only';

interface ResourceRow {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  readonly verdict: Verdict;
  readonly detail: string;
}

const REGION = 'ap-northeast-1';

export async function rehearse(d: RehearseDeps) {
  const credentials = (account: string) => ({
    AWS_ENDPOINT_URL: d.endpoint,
    AWS_ACCESS_KEY_ID: account, // LocalStack takes a 12-digit access key id as the account id
    AWS_SECRET_ACCESS_KEY: 'rehearsal',
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  const env = credentials(d.account);
  const client = {
    region: REGION,
    endpoint: d.endpoint,
    credentials: { accessKeyId: d.account, secretAccessKey: 'rehearsal' },
    forcePathStyle: true,
  };
  const cfn = new CloudFormationClient(client);
  const steps: { step: string; seconds: number; ok: boolean; note: string }[] = [];
  const problems: string[] = [];
  const sceptre = (...args: string[]) => ['run', '--frozen', 'sceptre', '--dir', d.sceptreDir, ...args];
  const timed = async (step: string, fn: () => Promise<{ ok: boolean; note: string }>) => {
    const t = Date.now();
    let r: { ok: boolean; note: string };
    try {
      r = await fn();
    } catch (error) {
      r = { ok: false, note: error instanceof Error ? error.message : String(error) };
    }
    steps.push({ step, seconds: (Date.now() - t) / 1000, ...r });
    if (!r.ok) problems.push(`${step}: ${r.note}`);
    return r.ok;
  };

  // 1. Another account's credentials: the gate refuses before anything is created.
  const other = d.account === '999999999999' ? '888888888888' : '999999999999';
  await timed(`launch ${d.env} as account ${other} (refused)`, async () => {
    const r = await d.run('uv', sceptre('launch', '-y', d.env), credentials(other));
    const refused =
      r.code !== 0 &&
      r.output.includes(
        `${d.env} is pinned to account ${d.account}, but the credentials belong to account ${other}`,
      );
    return {
      ok: refused,
      note: refused ? 'refused by the gate, naming both accounts' : `not refused (exit ${r.code})`,
    };
  });

  // 2. Launch.
  const launched = await timed(`sceptre launch -y ${d.env}`, async () => {
    const r = await d.run('uv', sceptre('launch', '-y', d.env), env);
    return { ok: r.code === 0, note: `exit ${r.code}` };
  });
  const stacks = readStackNames(d.sceptreDir, d.env);
  const rows: ResourceRow[] = [];
  const stackRows: { stack: string; status: string }[] = [];
  if (launched) {
    await timed('SDK checks of what was created', async () => {
      for (const [short, stackName] of stacks) {
        const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
        stackRows.push({ stack: short, status: described.Stacks?.[0]?.StackStatus ?? '?' });
        for (const r of await listResources(cfn, stackName))
          rows.push(await verify(short, r, client, d.substituted));
      }
      const bad = rows.filter((r) => r.verdict === 'failed');
      return { ok: bad.length === 0, note: `${rows.length} resources; ${bad.length} failed` };
    });
  }

  // 3. Handler change, then `sceptre update <env>/monitoring.yaml`.
  let update: { oldKey: string; newKey: string; oldSha?: string; newSha?: string } | undefined;
  if (launched) {
    await timed(`handler change + sceptre update ${d.env}/monitoring.yaml`, async () => {
      const manifest = JSON.parse(d.readFile(d.manifest).toString()) as Record<
        string,
        { key: string; sha256: string; zip: string }
      >;
      const entry = manifest.notifier;
      if (!entry) throw new Error('no notifier bundle in the manifest');
      const dir = join('dist', 'handlers', 'notifier');
      const files: ZipEntry[] = ['index.mjs', 'index.mjs.map']
        .filter((f) => existsSync(join(dir, f)))
        .map((f) => ({ name: f, data: readFileSync(join(dir, f)) }));
      const index = files.find((f) => f.name === 'index.mjs');
      if (!index) throw new Error(`no ${dir}/index.mjs: run npm run generate`);
      // The change: one more line of code in the handler (the bundle, its hash and its key change).
      files[files.indexOf(index)] = {
        name: 'index.mjs',
        data: Buffer.concat([index.data, Buffer.from(`\n// rehearsal change ${d.endpoint}\n`)]),
      };
      const zip = deterministicZip(files);
      const sha = createHash('sha256').update(zip).digest('hex');
      const zipPath = join(d.sceptreDir, 'notifier-changed.zip');
      d.writeFile(zipPath, zip);
      const newKey = `handlers/notifier/${sha}.zip`;
      d.writeFile(
        d.manifest,
        JSON.stringify({ ...manifest, notifier: { key: newKey, sha256: sha, zip: zipPath } }),
      );
      const templatePath = join(d.sceptreDir, 'templates', d.env, 'monitoring.json');
      const text = d.readFile(templatePath).toString();
      if (!text.includes(entry.key)) throw new Error(`monitoring template does not name ${entry.key}`);
      d.writeFile(templatePath, text.replaceAll(entry.key, newKey));
      const lambda = new LambdaClient(client);
      const fn = `ses-migration-${environmentName(d.env)}-notifier`;
      const before = await lambda.send(new GetFunctionCommand({ FunctionName: fn }));
      // The emulator has no drift detection: the gate refuses an update whose drift is unknown unless overridden
      // (sceptre update also updates the stack's dependencies, base here). The override is recorded in the output.
      const r = await d.run('uv', sceptre('update', '-y', `${d.env}/monitoring.yaml`), {
        ...env,
        DEPLOY_ALLOW_DRIFT: 'all',
      });
      if (
        !r.output.includes('drift: could not check') ||
        !r.output.includes('OVERRIDE DEPLOY_ALLOW_DRIFT=monitoring given')
      ) {
        throw new Error('the gate did not run its drift check before the update');
      }
      const after = await lambda.send(new GetFunctionCommand({ FunctionName: fn }));
      const stackName = stacks.find(([s]) => s === 'monitoring')?.[1] ?? '';
      const deployed = await cfn.send(
        new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }),
      );
      const expectedSha = createHash('sha256').update(zip).digest('base64');
      update = {
        oldKey: entry.key,
        newKey,
        oldSha: before.Configuration?.CodeSha256,
        newSha: after.Configuration?.CodeSha256,
      };
      const ok =
        r.code === 0 &&
        (deployed.TemplateBody ?? '').includes(newKey) &&
        !(deployed.TemplateBody ?? '').includes(entry.key) &&
        after.Configuration?.CodeSha256 === expectedSha &&
        before.Configuration?.CodeSha256 !== expectedSha;
      return {
        ok,
        note: `exit ${r.code}; code key ${entry.key} -> ${newKey}; CodeSha256 ${update.oldSha} -> ${update.newSha} (expected ${expectedSha})`,
      };
    });
  }

  // 4. Delete.
  // Production keeps its stateful resources (DeletionPolicy Retain) and has termination protection, which the
  // operator lifts by hand before deleting (README): the rehearsal does the same, then expects the buckets retained.
  const production = environmentName(d.env) === 'production';
  await timed(`sceptre delete -y ${d.env}`, async () => {
    if (production) {
      for (const [, stackName] of stacks) {
        await cfn.send(
          new UpdateTerminationProtectionCommand({
            StackName: stackName,
            EnableTerminationProtection: false,
          }),
        );
      }
    }
    const r = await d.run('uv', sceptre('delete', '-y', d.env), env);
    const left: string[] = [];
    for (const [, stackName] of stacks) {
      try {
        const s = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
        const status = s.Stacks?.[0]?.StackStatus;
        if (status && status !== 'DELETE_COMPLETE') left.push(`${stackName} ${status}`);
      } catch {
        // gone
      }
    }
    const s3 = new S3Client(client);
    const retained: string[] = [];
    for (const row of rows.filter((x) => x.type === 'AWS::S3::Bucket')) {
      const name = row.detail.replace(/^bucket /, '');
      try {
        await s3.send(new HeadBucketCommand({ Bucket: name }));
        (production ? retained : left).push(`bucket ${name}`);
      } catch {
        if (production) left.push(`bucket ${name} deleted although production retains it`);
      }
    }
    return {
      ok: r.code === 0 && left.length === 0,
      note:
        `exit ${r.code}${left.length ? `; left: ${left.join(', ')}` : '; no stack left'}` +
        (production ? `; retained as designed: ${retained.join(', ') || 'none'}` : ''),
    };
  });

  const log = existsSync(d.logFile) ? readFileSync(d.logFile, 'utf8') : '';
  const suspicious = suspiciousLogLines(log);
  const unexpected = suspicious.filter((l) => !ALLOWED_LOG_LINES.some((a) => a.pattern.test(l)));
  for (const l of unexpected) problems.push(`emulator log, not in the allow-list: ${l}`);

  const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  const markdown = [
    `# Rehearsal of ${d.env} on LocalStack (${new Date().toISOString()})`,
    '',
    '| step | seconds | result |',
    '|---|---:|---|',
    ...steps.map((s) => `| ${s.step} | ${s.seconds.toFixed(1)} | ${s.ok ? 'ok' : 'FAILED'}: ${s.note} |`),
    '',
    '| stack | status after launch | created | faked | substituted | status only | failed |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...stackRows.map((s) => {
      const of = (v: Verdict) => rows.filter((r) => r.stack === s.stack && r.verdict === v).length;
      return `| ${s.stack} | ${s.status} | ${of('created')} | ${of('faked')} | ${of('substituted')} | ${of('status only')} | ${of('failed')} |`;
    }),
    `| **all** | | ${count('created')} | ${count('faked')} | ${count('substituted')} | ${count('status only')} | ${count('failed')} |`,
    '',
    ...(update
      ? [
          `Handler change: code key ${update.oldKey} -> ${update.newKey}; CodeSha256 ${update.oldSha} -> ${update.newSha}`,
          '',
        ]
      : []),
    'Faked (CloudFormation reports them created; the service API does not have them):',
    ...rows
      .filter((r) => r.verdict === 'faked')
      .map((r) => `- ${r.stack}/${r.logicalId} ${r.type}: ${r.detail}`),
    '',
    `Emulator log lines matched by the reviewed allow-list: ${suspicious.length - unexpected.length}; outside it: ${unexpected.length}`,
    ...(problems.length ? ['', 'PROBLEMS:', ...problems.map((p) => `- ${p}`)] : []),
    '',
  ].join('\n');
  return {
    ok: problems.length === 0,
    markdown,
    json: { env: d.env, steps, stacks: stackRows, resources: rows, update, problems },
  };
}

function environmentName(env: string): string {
  return env === 'prod' ? 'production' : env === 'dev' ? 'development' : env;
}

/** Every stack of the environment's Sceptre config (launch order of the known ones first, then the rest). */
function readStackNames(dir: string, env: string): [string, string][] {
  const order = ['base', 'monitoring', 'enhanced-kinesis', 'ses', 'security', 'byodkim'];
  const rank = (s: string) => (order.includes(s) ? order.indexOf(s) : order.length);
  return readdirSync(join(dir, 'config', env))
    .filter((f) => f.endsWith('.yaml') && f !== 'config.yaml')
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((s) => [s, `ses-migration-${env}-${s}`]);
}

async function listResources(cfn: CloudFormationClient, stackName: string): Promise<StackResourceSummary[]> {
  const out: StackResourceSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.send(
      new ListStackResourcesCommand({ StackName: stackName, ...(token ? { NextToken: token } : {}) }),
    );
    out.push(...(page.StackResourceSummaries ?? []));
    token = page.NextToken;
  } while (token);
  return out.sort((a, b) => (a.LogicalResourceId ?? '').localeCompare(b.LogicalResourceId ?? ''));
}

async function verify(
  stack: string,
  r: StackResourceSummary,
  // biome-ignore lint/suspicious/noExplicitAny: one configuration for clients of several services
  client: any,
  substituted: readonly Substituted[],
): Promise<ResourceRow> {
  const base = {
    stack,
    logicalId: r.LogicalResourceId ?? '?',
    type: r.ResourceType ?? '?',
    status: r.ResourceStatus ?? '?',
  };
  const id = r.PhysicalResourceId ?? '';
  if (/FAILED/.test(base.status))
    return { ...base, verdict: 'failed', detail: r.ResourceStatusReason ?? base.status };
  if (/not supported but was deployed as a fallback/.test(r.ResourceStatusReason ?? '')) {
    return { ...base, verdict: 'faked', detail: r.ResourceStatusReason ?? '' };
  }
  const sub = substituted.find((s) => s.stack === stack && s.logicalId === base.logicalId);
  if (sub) return { ...base, verdict: 'substituted', detail: `${sub.from} stood in for by ${sub.to}` };
  const exists = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      return true;
    } catch {
      return false;
    }
  };
  let found: boolean | undefined;
  switch (base.type) {
    case 'AWS::SNS::Topic':
      found = await exists(() => new SNSClient(client).send(new GetTopicAttributesCommand({ TopicArn: id })));
      break;
    case 'AWS::KMS::Key':
      found = await exists(() => new KMSClient(client).send(new DescribeKeyCommand({ KeyId: id })));
      break;
    case 'AWS::S3::Bucket':
      found = await exists(() => new S3Client(client).send(new HeadBucketCommand({ Bucket: id })));
      return { ...base, verdict: found ? 'created' : 'faked', detail: `bucket ${id}` };
    case 'AWS::Logs::LogGroup': {
      const out = await new CloudWatchLogsClient(client).send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: id }),
      );
      found = (out.logGroups ?? []).some((g) => g.logGroupName === id);
      break;
    }
    case 'AWS::CloudWatch::Alarm':
    case 'AWS::CloudWatch::CompositeAlarm': {
      const out = await new CloudWatchClient(client).send(
        new DescribeAlarmsCommand({ AlarmNames: [id], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
      );
      found = Boolean(out.MetricAlarms?.length || out.CompositeAlarms?.length);
      break;
    }
    case 'AWS::Lambda::Function':
      found = await exists(() => new LambdaClient(client).send(new GetFunctionCommand({ FunctionName: id })));
      break;
    default:
      found = undefined;
  }
  if (found === undefined)
    return { ...base, verdict: 'status only', detail: `no SDK check for this type; physical id ${id}` };
  return {
    ...base,
    verdict: found ? 'created' : 'faked',
    detail: found ? id : `${id} not found through the service API`,
  };
}
