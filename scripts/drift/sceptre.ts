/**
 * Reads the Sceptre project the generator writes: project_code and region from `config/config.yaml` (overridden
 * by `config/<env>/config.yaml`), and one stack per `config/<env>/<stack>.yaml`. Stack names follow Sceptre:
 * `<project_code>-<env>-<stack>` unless the stack config sets `stack_name`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, type Tags } from 'yaml';
import { ENVIRONMENT_NAMES, stackName } from '../../contracts/names.js';
import { ConfigError } from '../../lib/errors.js';

/** A Sceptre resolver value (`!stack_output prod/base.yaml::TopicArn`) kept as text, never resolved here. */
export interface ResolverValue {
  readonly resolver: string;
  readonly argument: unknown;
}

export interface SceptreStack {
  /** Stack file name without `.yaml`: `base`. */
  readonly name: string;
  /** CloudFormation stack name: `ses-migration-prod-base`. */
  readonly stackName: string;
  /** The stack's config file. */
  readonly configPath: string;
  /** The local template file (may not exist before `npm run generate`). */
  readonly templatePath: string;
  /** `parameters:` of the stack config; resolver values stay {@link ResolverValue}. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface SceptreEnvironment {
  readonly dir: string;
  /** Sceptre directory name: `prod` | `dev`. */
  readonly env: string;
  /** Name used in resource names: `production` | `development`. */
  readonly environment: string;
  readonly projectCode: string;
  readonly region: string;
  readonly stacks: readonly SceptreStack[];
}

const RESOLVERS = [
  'stack_output',
  'stack_output_external',
  'stack_attr',
  'file_contents',
  'file',
  'environment_variable',
  'ssm',
  'rcmd',
  'sub',
  'join',
  'split',
  'select',
  'no_value',
  'cmd',
  'request',
];

/** Sceptre's YAML tags, accepted in every node form so that reading a config never fails on a resolver. */
const SCEPTRE_TAGS: Tags = RESOLVERS.flatMap((resolver) => [
  { tag: `!${resolver}`, resolve: (argument: string): ResolverValue => ({ resolver, argument }) },
  {
    tag: `!${resolver}`,
    collection: 'seq' as const,
    resolve: (argument: unknown): ResolverValue => ({
      resolver,
      argument: (argument as { toJSON(): unknown }).toJSON(),
    }),
  },
  {
    tag: `!${resolver}`,
    collection: 'map' as const,
    resolve: (argument: unknown): ResolverValue => ({
      resolver,
      argument: (argument as { toJSON(): unknown }).toJSON(),
    }),
  },
]) as unknown as Tags;

/** True for a value written with a Sceptre resolver tag. */
export function isResolverValue(value: unknown): value is ResolverValue {
  return typeof value === 'object' && value !== null && 'resolver' in value && 'argument' in value;
}

/** Parses one Sceptre YAML file; a syntax error names the file. */
export function readSceptreYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  // Sceptre configs may use Jinja ({{ var.x }}); such values stay plain text here.
  let parsed: unknown;
  try {
    parsed = parse(text, { customTags: SCEPTRE_TAGS, logLevel: 'error' });
  } catch (cause) {
    throw new ConfigError(`${path} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      `${path} must hold a YAML mapping, found ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
    );
  }
  return parsed as Record<string, unknown>;
}

function stringKey(config: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`${file}: key '${key}' must be a non-empty string, found ${JSON.stringify(value)}`);
  }
  return value;
}

function templatePathOf(
  config: Record<string, unknown>,
  dir: string,
  env: string,
  name: string,
  file: string,
) {
  const template = config.template;
  if (template && typeof template === 'object' && !isResolverValue(template)) {
    const path = (template as Record<string, unknown>).path;
    if (typeof path === 'string') return resolve(dir, 'templates', path);
    throw new ConfigError(`${file}: key 'template.path' must be a string, found ${JSON.stringify(path)}`);
  }
  const legacy = config.template_path;
  if (typeof legacy === 'string') return resolve(dir, 'templates', legacy);
  return resolve(dir, 'templates', env, `${name}.json`);
}

/** Loads the stacks of one environment from `<dir>/config/<env>/`. */
export function loadSceptreEnvironment(dir: string, env: string): SceptreEnvironment {
  const root = resolve(dir);
  const rootConfigPath = join(root, 'config', 'config.yaml');
  const envDir = join(root, 'config', env);
  if (!existsSync(rootConfigPath)) {
    throw new ConfigError(
      `Sceptre project not found: ${rootConfigPath} does not exist (run 'npm run generate' first, or pass --sceptre-dir)`,
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(env) || !existsSync(envDir)) {
    const known = readdirSync(join(root, 'config'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    throw new ConfigError(
      `unknown environment '${env}': ${envDir} does not exist; environments in ${root}: ${known.join(', ') || '(none)'}`,
    );
  }
  const rootConfig = readSceptreYaml(rootConfigPath);
  const envConfigPath = join(envDir, 'config.yaml');
  const envConfig = existsSync(envConfigPath) ? readSceptreYaml(envConfigPath) : {};
  const projectCode =
    stringKey(envConfig, 'project_code', envConfigPath) ??
    stringKey(rootConfig, 'project_code', rootConfigPath);
  const region =
    stringKey(envConfig, 'region', envConfigPath) ?? stringKey(rootConfig, 'region', rootConfigPath);
  if (!projectCode) throw new ConfigError(`${rootConfigPath}: key 'project_code' is required`);
  if (!region) throw new ConfigError(`${rootConfigPath}: key 'region' is required`);

  const stacks = readdirSync(envDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'config.yaml')
    .sort()
    .map((file): SceptreStack => {
      const name = file.slice(0, -'.yaml'.length);
      const configPath = join(envDir, file);
      const config = readSceptreYaml(configPath);
      const parameters = config.parameters;
      return {
        name,
        stackName:
          stringKey(config, 'stack_name', configPath) ?? stackName({ projectCode, sceptreEnv: env }, name),
        configPath,
        templatePath: templatePathOf(config, root, env, name, configPath),
        parameters:
          parameters && typeof parameters === 'object' && !isResolverValue(parameters)
            ? (parameters as Record<string, unknown>)
            : {},
      };
    });
  const environmentVar = envConfig.environment;
  return {
    dir: root,
    env,
    environment: typeof environmentVar === 'string' ? environmentVar : (ENVIRONMENT_NAMES[env] ?? env),
    projectCode,
    region,
    stacks,
  };
}
