/** Entry point of `npm run escalate -- <env> <alarm> --by <name>`; see scripts/oncall/cli.ts. */
import { runOncall } from './oncall/main.js';

process.exitCode = await runOncall('escalate', process.argv.slice(2));
