/** Entry point of `npm run ack -- <env> <alarm> --by <name>`; see scripts/oncall/cli.ts. */
import { runOncall } from './oncall/main.js';

process.exitCode = await runOncall('ack', process.argv.slice(2));
