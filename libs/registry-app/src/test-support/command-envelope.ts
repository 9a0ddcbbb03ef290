import { randomUUID } from 'node:crypto';
import type { CommandEnvelope } from '../command-handling/command-envelope';

/** An officer's command at a fixed instant (2026-03-15 in Hà Nội), with a fresh command id. */
export function officerCommand(commandId: string = randomUUID()): CommandEnvelope {
  return {
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: { sub: 'officer-test', office: '001', roles: ['officer'] },
    now: new Date('2026-03-15T03:00:00Z'),
  };
}
