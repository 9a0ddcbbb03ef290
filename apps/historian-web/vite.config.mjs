// Builds the historians' page into dist/, served by the API under /app/ (see ADR 0020).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The timing note is noise on a 2-core machine shared by many builds.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
