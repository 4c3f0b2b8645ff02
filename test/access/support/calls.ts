/**
 * The AWS SDK calls a handler bundle can make, read from its source: every `new XCommand(` in a file reachable
 * by relative imports from `handlers/<bundle>/index.ts`, with X's client package mapped to the IAM service
 * prefix. Where the adapters live (one module per service, a shared client folder, lib/) does not matter.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SERVICE_PREFIX: Record<string, string> = {
  sesv2: 'ses',
  ses: 'ses',
  cloudwatch: 'cloudwatch',
  'cloudwatch-logs': 'logs',
  sns: 'sns',
  kms: 'kms',
  s3: 's3',
  dynamodb: 'dynamodb',
  cloudformation: 'cloudformation',
  'route-53': 'route53',
  scheduler: 'scheduler',
  cloudtrail: 'cloudtrail',
  'cost-explorer': 'ce',
  lambda: 'lambda',
  sts: 'sts',
};

/** SDK operations whose IAM action has another name. */
const ACTION_NAME: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  'sns:PublishBatch': 'sns:Publish',
  'dynamodb:BatchGetItem': 'dynamodb:BatchGetItem',
};

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts'), base]) {
    if (c.endsWith('.ts') && existsSync(c)) return c;
  }
  return undefined;
}

export interface SdkCall {
  readonly action: string;
  readonly file: string;
}

export function sdkCalls(root: string, bundle: string): SdkCall[] {
  return sdkCallsFrom(root, join('handlers', bundle, 'index.ts'));
}

/** The SDK calls reachable from any entry file (a handler's index.ts, a command's scripts/<name>.ts). */
export function sdkCallsFrom(root: string, entryPath: string): SdkCall[] {
  const entry = join(root, entryPath);
  if (!existsSync(entry)) throw new Error(`no entry ${relative(root, entry)}`);
  const seen = new Set<string>();
  const queue = [entry];
  const calls: SdkCall[] = [];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Type-only imports add no code to the bundle.
    for (const m of text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/g)) {
      if (m[2]) continue;
      const target = resolveImport(file, m[3]!);
      if (target) queue.push(target);
    }
    for (const m of text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)) {
      const target = resolveImport(file, m[1]!);
      if (target) queue.push(target);
    }
    const packageOf = new Map<string, string>();
    for (const m of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
    )) {
      for (const name of m[1]!.split(',')) {
        const clean = name.replace(/^\s*type\s+/, '').trim();
        if (clean)
          packageOf.set(
            clean
              .split(/\s+as\s+/)
              .pop()!
              .trim(),
            m[2]!,
          );
      }
    }
    for (const m of text.matchAll(/new\s+([A-Za-z0-9]+)Command\s*\(/g)) {
      const pkg = packageOf.get(`${m[1]}Command`);
      if (!pkg)
        throw new Error(`${relative(root, file)}: ${m[1]}Command is not imported from an @aws-sdk client`);
      const prefix = SERVICE_PREFIX[pkg];
      if (!prefix) throw new Error(`${relative(root, file)}: no IAM prefix known for @aws-sdk/client-${pkg}`);
      const action = `${prefix}:${m[1]}`;
      calls.push({ action: ACTION_NAME[action] ?? action, file: relative(root, file) });
    }
  }
  return calls;
}
