import type { Answer, ApiHarness } from './api-harness';

/**
 * The citizen's record once the read model holds the stream's last event. Each call waits up to
 * 2 s on the server (`minRevision`); on a loaded machine the projector may need longer, so a 503
 * is asked again (the server's wait is the pause), up to a deadline.
 */
export async function currentRecord(api: ApiHarness, pin: string, query = '', deadlineMs = 30_000): Promise<any> {
  const revision = (await api.streamEvents(pin)).length - 1;
  const until = Date.now() + deadlineMs;
  let answer: Answer;
  do {
    answer = await api.call('GET', `/v1/citizens/${pin}?minRevision=${revision}${query}`);
  } while (answer.status === 503 && Date.now() < until);
  expect(answer.status).toBe(200);
  return answer.body;
}
