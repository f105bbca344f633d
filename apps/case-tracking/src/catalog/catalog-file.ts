import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { parseProcedureList, type Procedure } from './procedure';
import { ProcedureCatalogError } from './procedure-catalog-error';

/**
 * Reads a catalog file: YAML (.yaml, .yml) or JSON (.json), holding `procedures: [...]` or a bare list. Each
 * procedure is validated on its own; the registry checks happen when a ProcedureCatalog is built from the result.
 * Throws INVALID_CATALOG naming the file and every problem in it.
 */
export function loadCatalogFile(path: string): Procedure[] {
  const extension = extname(path).toLowerCase();
  const fail = (message: string): never => {
    throw ProcedureCatalogError.fromIssues('INVALID_CATALOG', `Invalid procedure catalog in ${path}`, [{ path: '', message }]);
  };
  if (!['.yaml', '.yml', '.json'].includes(extension)) fail(`cannot tell the format of ${path}: use a .yaml, .yml or .json file`);
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read the file: ${(error as Error).message}`);
  }
  let input: unknown;
  try {
    input = extension === '.json' ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
  } catch (error) {
    fail(`not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return parseProcedureList(input, path);
}
