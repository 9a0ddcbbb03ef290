import { citizensProjection } from '../citizens/citizens.projection';
import { residencesProjection } from '../residences/residences.projection';
import { vitalStatisticsProjection } from '../statistics/vital-statistics.projection';
import { proceduresProjection } from '../procedures/procedures.projection';
import type { Projection } from './projection';

/** Every read model the projector keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  citizensProjection,
  residencesProjection,
  vitalStatisticsProjection,
  proceduresProjection,
];

export class UnknownProjection extends Error {
  constructor(name: string) {
    super(`No projection named ${name}; known: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`);
  }
}

/** The projections named (all of them for none): the argument of `npm run rebuild`. */
export function projectionsNamed(names: readonly string[]): Projection[] {
  if (names.length === 0 || names.includes('all')) return [...ALL_PROJECTIONS];
  return names.map((name) => {
    const projection = ALL_PROJECTIONS.find((p) => p.name === name);
    if (!projection) throw new UnknownProjection(name);
    return projection;
  });
}
