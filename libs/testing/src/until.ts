/**
 * Polls `condition` until it holds; rejects after `timeoutMs` naming what was awaited (and, with
 * `progress`, how far it got). The one way tests wait: for a condition, never for a guessed time.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  options: { everyMs?: number; progress?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${options.progress ? `; ${options.progress()}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 20));
  }
}
