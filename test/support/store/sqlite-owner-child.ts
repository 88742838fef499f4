/** Child process for sqlite-owner tests: claims a store file, says so on stdout, then waits to be killed. */
import { claimSqliteOwnership } from '../../../src/store/sqlite-owner.ts';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: sqlite-owner-child.ts <db file>\n');
  process.exit(2);
}
claimSqliteOwnership(file);
process.stdout.write('claimed\n');
setInterval(() => {}, 60_000);
