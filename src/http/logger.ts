import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets are redacted by path as a second line of defence: the first is that
 * no code hands a secret to the logger.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'enrollment-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.password',
          '*.secret',
          '*.token',
          '*.masterKey',
          '*.passphrase',
          '*.privateKey',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
