import { apiForSuite } from '../test-support/api-harness';

interface OpenApiOperation {
  summary?: string;
  parameters?: { in: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
}

/**
 * Operations open to anyone (no token): health checks only. Their 503 is the health report
 * itself (which dependency is down), not an error body.
 */
const PUBLIC = new Set(['GET /health', 'GET /health/live', 'GET /health/ready']);

/** What an operation's description lacks; empty when complete. */
function gaps(name: string, operation: OpenApiOperation): string[] {
  const missing: string[] = [];
  if (!operation.summary?.trim()) missing.push('a summary');
  if (name.startsWith('POST') && !operation.requestBody?.content?.['application/json']?.schema) {
    missing.push('a request schema');
  }
  const statuses = Object.keys(operation.responses);
  const success = statuses.filter((status) => /^[23]/.test(status));
  if (success.length === 0 || success.some((status) => !operation.responses[status].content)) {
    missing.push('a response schema for every success status');
  }
  const expectedErrors = PUBLIC.has(name) ? [] : ['401', '403'];
  if (operation.requestBody || operation.parameters?.length) expectedErrors.push('400');
  for (const status of expectedErrors) {
    if (!operation.responses[status]) missing.push(`the ${status} response`);
  }
  const errors = statuses.filter((s) => /^[45]/.test(s) && !(PUBLIC.has(name) && s === '503'));
  for (const status of errors) {
    const { description, content } = operation.responses[status];
    if (!/^Codes: [A-Z_]+(, [A-Z_]+)*$/.test(description ?? '')) missing.push(`the codes of ${status}`);
    if (!content?.['application/json']?.schema?.$ref?.endsWith('/ErrorAnswer')) {
      missing.push(`the error body of ${status}`);
    }
  }
  return missing.map((what) => `${name} lacks ${what}`);
}

describe('the OpenAPI document (/docs-json)', () => {
  const api = apiForSuite('postgresql');

  it('describes every operation: summary, request and response schemas, every error status with its codes', async () => {
    const answer = await api.call('GET', '/docs-json', { token: null });
    expect(answer.status).toBe(200);
    const paths = answer.body.paths as Record<string, Record<string, OpenApiOperation>>;
    const operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(15);
    expect(operations.flatMap(({ name, operation }) => gaps(name, operation))).toEqual([]);
  });

  it('fails for an operation that lacks them (the check itself can fail)', () => {
    const bare: OpenApiOperation = { requestBody: { content: {} }, responses: { '200': {} } };
    expect(gaps('POST /v1/example', bare)).toEqual([
      'POST /v1/example lacks a summary',
      'POST /v1/example lacks a request schema',
      'POST /v1/example lacks a response schema for every success status',
      'POST /v1/example lacks the 401 response',
      'POST /v1/example lacks the 403 response',
      'POST /v1/example lacks the 400 response',
    ]);
  });
});
