/**
 * Copies the commune reference list (../shared/reference/communes.csv, or the file given as the
 * first argument) into the domain's own data: libs/registry-domain/src/communes/communes.data.ts.
 * Run again when the reference list changes: `npx tsx scripts/communes-data.ts [path]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HEADER = 'province_code,commune_code,name,valid_from,valid_to';
const ROW = /^\d{3},\d{5},[^,"]+,(\d{4}-\d{2}-\d{2})?,(\d{4}-\d{2}-\d{2})?$/;

const source = process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'reference', 'communes.csv');
const target = join(__dirname, '..', 'libs', 'registry-domain', 'src', 'communes', 'communes.data.ts');

const lines = readFileSync(source, 'utf8').replace(/\r/g, '').trim().split('\n');
if (lines[0] !== HEADER) throw new Error(`unexpected header in ${source}: ${lines[0]}`);
const rows = lines.slice(1);
const bad = rows.filter((row) => !ROW.test(row));
if (bad.length > 0) throw new Error(`rows not in the expected shape:\n${bad.slice(0, 10).join('\n')}`);

writeFileSync(
  target,
  `/**
 * Commune-level units (communes, wards, townships) with their validity, copied from the national
 * reference list by scripts/communes-data.ts (do not edit by hand). One row per unit and period:
 * ${HEADER} (empty = open).
 */
export const COMMUNE_ROWS = \`
${rows.map((row) => row.normalize('NFC')).join('\n')}
\`;
`,
);
console.log(`${rows.length} communes written to ${target}`);
