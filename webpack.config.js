// The apps' bundles (`npm run build`, nest-cli.json). Nest's defaults plus one change: no
// type-check per app. `npm run build:check` type-checks the same files (tsc on
// tsconfig.build.json) once, in `npm run check`; four more checks made the build four times slower.
module.exports = (options) => ({
  ...options,
  plugins: options.plugins.filter((plugin) => plugin.constructor.name !== 'ForkTsCheckerWebpackPlugin'),
});
