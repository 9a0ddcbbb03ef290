/** What the runner logs through (Nest's Logger in the apps): codes and ids, never personal data. */
export interface ProcedureRunnerLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
  error(message: unknown, context?: string): void;
}
