// Preloaded (NODE_OPTIONS=-r) when a benchmark profiles the registry (or bench/lookup's query API): `npm start` allows no
// --cpu-prof in NODE_OPTIONS, so the registry's own process (not npm, vite or the database check)
// records a V8 CPU profile through the inspector, and writes it when SIGTERM ends the benchmark.
'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.REGISTRY_CPU_PROFILE_DIR;
if (dir && /(registry-api[/\\]src[/\\]main|bench[/\\]lookup[/\\]lookup-server)\.ts$/.test(process.argv[1] || '')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () =>
    session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')),
  );
  process.prependListener('SIGTERM', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `registry-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      process.exit(0);
    });
  });
}
