/** Attempts of one command when another writer keeps winning the append (other processes). */
export const MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 5;

/**
 * "Full jitter" back-off before attempt `attempt` (2, 3, ...): a random wait up to a doubling
 * ceiling, so writers that collided once do not collide again in lockstep.
 */
export function backOff(attempt: number, random: () => number = Math.random): Promise<void> {
  const ceiling = BASE_DELAY_MS * 2 ** (attempt - 1);
  return new Promise((resolve) => setTimeout(resolve, Math.floor(random() * ceiling)));
}
