/**
 * `lint-stamp.ts hash` prints the hash of every generated template; `lint-stamp.ts write <hash>` records a clean
 * lint of the templates that had that hash (scripts/lint-templates.sh calls both; see scripts/gate/lint-stamp.ts).
 */
import { templatesHash, writeStamp } from './gate/lint-stamp.js';

const [command, hash] = process.argv.slice(2);
if (command === 'hash') console.log(templatesHash('sceptre'));
else if (command === 'write' && hash && /^[0-9a-f]{64}$/.test(hash)) writeStamp('sceptre', hash, new Date());
else {
  console.error('usage: lint-stamp.ts hash | write <sha256>');
  process.exitCode = 2;
}
