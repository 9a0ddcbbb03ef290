import { startTracingIfRequested } from '@registry/platform/tracing';

// The first import of main.ts: OpenTelemetry wraps the libraries before they load (off by default).
startTracingIfRequested('procedure-runner');
