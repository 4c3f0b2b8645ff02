/**
 * `npm run adopt -- <env> [--dry-run]`: plans (and without --dry-run creates) one IMPORT change set per stack for
 * the resources the generated templates declare that already exist. Exit 0 done, 1 refused or failed, 2 usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  type Capability,
  CreateChangeSetCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { AccountMismatchError } from '../../contracts/account.js';
import type { CloudFormationSender } from '../../lib/drift/engine.js';
import { ConfigError, describeError, isMissingStack, UsageError } from '../../lib/errors.js';
import { loadSceptreEnvironment } from '../drift/sceptre.js';
import { parseTemplate } from '../drift/template-parse.js';
import { accountTargetOf, checkAccount } from '../lib/account.js';
import { answerHelp, parseEnvironmentCommand, usageText } from '../lib/args.js';
import type { CommandIo } from '../lib/preflight.js';
import { type Probe, planStack, renderPlan, type StackPlan, type Template } from './core.js';

export const ADOPT_USAGE = usageText({
  synopsis: 'npm run adopt -- <env> [--dry-run] [--sceptre-dir sceptre] [--environments-dir environments]',
  exitCodes: '0 done, 1 refused or failed, 2 usage error',
});

export interface AdoptIo extends CommandIo {
  readonly cloudformation: (region: string) => CloudFormationSender;
  readonly probe: (region: string) => Probe;
  readonly now: () => number;
}

async function deployedOf(cfn: CloudFormationSender, stackName: string) {
  try {
    const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const parameters: string[] = (described.Stacks?.[0]?.Parameters ?? []).map(
      (p: { ParameterKey?: string }) => p.ParameterKey ?? '',
    );
    const t = await cfn.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
    return { template: parseTemplate(t.TemplateBody ?? '{}') as Template, parameters };
  } catch (error) {
    if (isMissingStack(error)) return undefined;
    throw error;
  }
}

export async function adoptMain(argv: readonly string[], io: AdoptIo): Promise<number> {
  const help = answerHelp(argv, ADOPT_USAGE, io.stdout);
  if (help !== undefined) return help;
  try {
    const { values, env, sceptreDir, environmentsDir } = parseEnvironmentCommand(
      argv,
      {
        'dry-run': { type: 'boolean' },
      },
      ADOPT_USAGE,
    );
    const sceptre = loadSceptreEnvironment(sceptreDir, env);
    const account = await checkAccount(accountTargetOf(env, environmentsDir), () =>
      io.callerAccount(sceptre.region),
    );
    const where = { account, region: sceptre.region };
    const cfn = io.cloudformation(sceptre.region);
    const probe = io.probe(sceptre.region);
    const changeSetName = `adopt-${io.now()}`;
    const plans: StackPlan[] = [];
    for (const stack of sceptre.stacks) {
      if (!existsSync(stack.templatePath))
        throw new ConfigError(`no template ${stack.templatePath}: run npm run generate`);
      const template = parseTemplate(readFileSync(stack.templatePath, 'utf8')) as Template;
      const deployed = await deployedOf(cfn, stack.stackName);
      plans.push(await planStack(stack.stackName, template, deployed, probe, where, changeSetName));
    }
    if (!values['dry-run']) {
      for (const p of plans) {
        if (!p.request) continue;
        const { Parameters, ResourcesToImport, Capabilities, ...rest } = p.request;
        await cfn.send(
          new CreateChangeSetCommand({
            ...rest,
            ResourcesToImport: [...ResourcesToImport],
            ...(Parameters ? { Parameters: [...Parameters] } : {}),
            Capabilities: Capabilities.map((c) => c as Capability),
          }),
        );
        io.stderr(`adopt: created change set ${p.request.ChangeSetName} on ${p.stackName}\n`);
      }
    }
    io.stdout(renderPlan(env, plans, values['dry-run'] === true));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr(`adopt: ${error.message}\n`);
      return 2;
    }
    if (error instanceof AccountMismatchError) {
      io.stderr(`adopt: ${error.message}\n`);
      return 1;
    }
    io.stderr(`adopt: ${describeError(error)}\n`);
    return 1;
  }
}
