/** Reads and validates every environments/*.yaml; all problems of all files are reported together. */
import { readdirSync, readFileSync } from 'node:fs';
import { ConfigError, parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';

export const ENV_DIR = 'environments';

export function loadEnvironments(dir = ENV_DIR): EnvConfig[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  if (files.length === 0) throw new Error(`no environment files (*.yaml) in ${dir}/`);
  const problems: ConfigError['problems'][number][] = [];
  const cfgs: EnvConfig[] = [];
  for (const f of files) {
    const path = `${dir}/${f}`;
    try {
      cfgs.push(parseEnvConfig(path, readFileSync(path, 'utf8')));
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return cfgs;
}
