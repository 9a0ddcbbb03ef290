import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { REGISTRY_CONFIG, type RegistryConfig } from '../config/registry-config';
import { maskPins } from './mask-pins';

/**
 * Structured JSON logs (pino). Personal data stays out: no bodies, no query strings (a search
 * by name is personal data), no authorization header, and every PIN masked, whatever logs it.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [REGISTRY_CONFIG],
      useFactory: (config: RegistryConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          autoLogging: config.logLevel === 'debug' || config.logLevel === 'trace',
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
