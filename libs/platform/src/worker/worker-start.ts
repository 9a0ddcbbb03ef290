import { extname } from 'node:path';

/** The register hook of a process run from source (`node -r @swc-node/register`). */
const SOURCE_HOOK = '@swc-node/register';

/** What `new Worker(code, { eval: true, execArgv })` needs to run `script` in a thread. */
export interface WorkerStart {
  readonly code: string;
  readonly execArgv: string[];
}

/**
 * How a worker thread loads its code. From a build, the .js as it is. From source (.ts: run by
 * `node -r @swc-node/register`, or by jest), a thread started with the process's own
 * `-r @swc-node/register` would load TypeScript's compiler to read tsconfig.json again (listing
 * every file of the repository on the way): about 0.55 CPU-second a thread. Instead it gets the
 * swc options read here once (paths included) and compiles its modules with swc alone, without
 * source maps (a worker's stack shows compiled lines): about 0.27.
 */
export function workerStart(script: string): WorkerStart {
  const load = `require(${JSON.stringify(script)})`;
  if (extname(script) !== '.ts') return { code: load, execArgv: process.execArgv };
  // A worker takes no V8 nor process options (they are the process's already): the profiler's only.
  const execArgv = process.execArgv.filter((arg) => /^--(cpu|heap)-prof/.test(arg));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsconfig = require(`${SOURCE_HOOK}/read-default-tsconfig`) as {
    readDefaultTsConfig(): object;
    tsCompilerOptionsToSwcConfig(options: object, filename: string): object;
  };
  const options = { ...tsconfig.readDefaultTsConfig(), module: 1 /* CommonJS, as the hook compiles */ };
  const swc = { ...tsconfig.tsCompilerOptionsToSwcConfig(options, script), sourcemap: false };
  const code = `
    const Module = require('node:module');
    const { readFileSync } = require('node:fs');
    const { transformSync } = require(${JSON.stringify(require.resolve('@swc-node/core'))});
    const swc = ${JSON.stringify(swc)};
    Module._extensions['.ts'] = (module, filename) =>
      module._compile(transformSync(readFileSync(filename, 'utf8'), filename, swc).code, filename);
    ${load};`;
  return { code, execArgv };
}
