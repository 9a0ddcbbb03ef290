/**
 * Whether the environment asks for traces: off by default. OTEL_SDK_DISABLED=true turns them off;
 * otherwise an exporter must be named (OTEL_TRACES_EXPORTER other than `none`) or an OTLP
 * endpoint given (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). The SDK on
 * its own would default to OTLP on localhost: a registry started without any of these must not
 * send anything anywhere.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter) return exporter !== 'none';
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}
