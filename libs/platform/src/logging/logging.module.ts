import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';
import { maskPins } from './mask-pins';

/** Levels at which every request is logged (pino-http's autoLogging). */
const REQUEST_LEVELS = ['debug', 'trace'];

/**
 * Structured JSON logs (pino). Personal data stays out: no bodies, no query strings (a search
 * by name is personal data), no authorization header, and every PIN masked, whatever logs it.
 * The per-request logger (pino-http's child logger, bound through AsyncLocalStorage) runs only
 * at the levels that log every request: at info it logged nothing, yet cost a third of a
 * lookup's CPU, most of it in the promise hooks AsyncLocalStorage turns on (ADR 0034). Errors
 * name their request themselves (RegistryExceptionFilter).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) => ({
        ...(REQUEST_LEVELS.includes(config.logLevel) ? {} : { forRoutes: [] }),
        pinoHttp: {
          level: config.logLevel,
          autoLogging: REQUEST_LEVELS.includes(config.logLevel),
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          formatters: { log: (entry: Record<string, unknown>) => maskPins(entry) },
          hooks: {
            logMethod(args: unknown[], method: (...args: unknown[]) => void) {
              method.apply(
                this,
                args.map((arg) => maskPins(arg)),
              );
            },
          },
          serializers: {
            req: (req: { method: string; url: string; id: unknown }) => ({
              id: req.id,
              method: req.method,
              path: maskPins(req.url.split('?')[0]),
            }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
