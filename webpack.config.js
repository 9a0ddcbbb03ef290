// The apps' bundles (`npm run build`, nest-cli.json). Nest's defaults plus two changes: no
// type-check per app. `npm run build:check` type-checks the same files (tsc on
// tsconfig.build.json) once, in `npm run check`; four more checks made the build four times slower.
// And the registry API's background thread (ADR 0135) is an entry of its own, beside main.js,
// where the API's bundle loads it by name.
const { dirname, join } = require('node:path');

const BACKGROUND_WORKER = join(__dirname, 'apps/registry-api/src/background/background.worker.ts');

module.exports = (options) => {
  const config = {
    ...options,
    plugins: options.plugins.filter((plugin) => plugin.constructor.name !== 'ForkTsCheckerWebpackPlugin'),
  };
  if (!String(options.entry).includes(join('apps', 'registry-api', 'src'))) return config;
  return {
    ...config,
    entry: { main: options.entry, 'background.worker': BACKGROUND_WORKER },
    output: { ...options.output, filename: join(dirname(options.output.filename), '[name].js') },
  };
};
