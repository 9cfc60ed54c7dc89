import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  serviceName: string;
  level: string;
  /** Where logs go; stdout by default. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
}

export function createLogger({ serviceName, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: serviceName },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Nothing secret belongs in a log line even by accident.
      redact: {
        paths: ['req.headers.authorization', 'req.headers["stripe-signature"]', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
