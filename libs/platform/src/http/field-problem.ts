/** One field of a refused request and what is wrong with it (the `details` of VALIDATION_FAILED). */
export interface FieldProblem {
  readonly field: string;
  readonly problems: string[];
}
