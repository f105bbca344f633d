import { IncomingMessage } from 'node:http';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { HttpHeader } from '@lgsp/contracts';
import { scrubLogLine } from './log-scrubber';
import { REDACTED } from './masking';
import { resolveRequestId } from './request-id';

export interface LoggingOptions {
  service: string;
  /** A pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Where the JSON lines go; stdout unless a test captures them. There is deliberately no pretty mode. */
  destination?: NodeJS.WritableStream;
}

/** Probes and scrapes arrive every few seconds; a line for each would drown the requests that matter. */
const QUIET_PATH = /^\/(?:health(?:\/[^?]*)?|metrics)(?:\?|$)/;

/** Header paths hidden before serialization; anything else secret-looking is caught by the line scrubber. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

/** Trace ids on each line written inside a traced request, so a line leads to its trace and back. */
function traceFields(): Record<string, string> {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/** The pino options every platform process logs with, HTTP or not. */
export function loggerOptions(options: LoggingOptions): LoggerOptions {
  return {
    level: options.level,
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    mixin: traceFields,
    hooks: { streamWrite: scrubLogLine },
  };
}

/** The same logger outside Nest (workers, scripts): JSON on stdout, masked and redacted alike. */
export function createLogger(options: LoggingOptions): Logger {
  return options.destination ? pino(loggerOptions(options), options.destination as DestinationStream) : pino(loggerOptions(options));
}

interface RequestWithPrincipal extends IncomingMessage {
  user?: { clientId?: unknown };
  principal?: { clientId?: unknown };
}

function clientIdOf(req: RequestWithPrincipal): string | undefined {
  const id = req.user?.clientId ?? req.principal?.clientId;
  return typeof id === 'string' ? id : undefined;
}

/** pino's numeric levels, to decide without a logger instance whether a line would be written. */
function levelValue(level: string): number {
  return pino.levels.values[level] ?? Number.POSITIVE_INFINITY;
}

function pinoHttpOptions(options: LoggingOptions): PinoHttpOptions {
  const threshold = levelValue(options.level);
  return {
    ...loggerOptions(options),
    genReqId: (req, res) => {
      const id = resolveRequestId(req.headers[HttpHeader.RequestId]);
      res.setHeader(HttpHeader.RequestId, id);
      return id;
    },
    // Only the id is bound to the request's logger, so app lines carry `requestId` without repeating the headers;
    // the one "request completed" line carries req and res in full.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    // Read again when the response finishes, by which time the auth guard has named the client. Undefined rather
    // than {} when there is none: pino-http makes a child logger for any bindings object, empty or not. (Its types
    // ask for an object; its code skips a falsy value.)
    customProps: (req) => {
      const clientId = clientIdOf(req as RequestWithPrincipal);
      return (clientId ? { clientId } : undefined) as object;
    },
    // A line the configured level would drop is 'silent', so pino-http skips building it (child logger, bindings,
    // serializers) — at 'warn' that was most of its per-request cost.
    customLogLevel: (_req, res, err) => {
      const level = err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      return levelValue(level) >= threshold ? level : 'silent';
    },
    autoLogging: { ignore: (req) => QUIET_PATH.test(req.url ?? '') },
  };
}

/**
 * One structured logger for the app (STYLE.md 7): nestjs-pino bound to every request, JSON lines with `service`,
 * `pid`, ISO `time`, the request id (`requestId`, echoed in `x-lgsp-request-id`) and, inside a trace, `trace_id`.
 * Personal data is masked and secrets redacted on every line. Use `app.useLogger(app.get(Logger))` from nestjs-pino.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    const http = pinoHttpOptions(options);
    return {
      module: LoggingModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.destination ? [http, options.destination as DestinationStream] : http,
          // Nest 11's path syntax; every route, health and metrics included, so each response has an id.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
