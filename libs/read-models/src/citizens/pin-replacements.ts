import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@registry/platform';

/**
 * PINs replaced by a correction, noted by the correction's write before it answers, so that a
 * lookup of the old PIN answers 301 however far behind the projector is (the projector's
 * `replaced_by` says the same once it gets there, and covers a write that crashed before noting
 * it). Not a projection: a rebuild leaves it be, and it only ever repeats what the events say.
 */
@Injectable()
export class PinReplacements {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async note(pin: string, newPin: string): Promise<void> {
    await this.pool.query({
      name: 'read_model_note_pin_replacement',
      text: 'INSERT INTO pin_replacements (pin, new_pin) VALUES ($1, $2) ON CONFLICT (pin) DO NOTHING',
      values: [pin, newPin],
    });
  }
}
