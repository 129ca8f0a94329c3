/**
 * What a listener does before Express sees a request: limits on slow and greedy clients, and the
 * answers Node's HTTP server gives by itself (431 head too large, 408 too slow, 400 unparsable),
 * written as JSON, a problem document or plain text by the face the path belongs to instead of
 * Node's empty bodies.
 */
import { STATUS_CODES, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { httpErrorCodes, type HttpErrorCode } from './errors.js';
import { toJsonText } from './json.js';

export interface ListenerLimits {
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** 0: no limit. */
  maxConnectionsPerClient: number;
}

/** An error body in one face's wire. */
export interface ErrorWire {
  contentType: string;
  body: string;
}

export type ErrorWriter = (status: number, code: HttpErrorCode, message: string) => ErrorWire;

/** The admin API's `{code, message, details}`: the default on both listeners. */
export const jsonErrorWire: ErrorWriter = (_status, code, message) => ({
  contentType: 'application/json; charset=utf-8',
  body: toJsonText({ code, message, details: {} }),
});

/** Plain text, as the SCEP face answers errors before a message is readable (RFC 8894 §4). */
export const textErrorWire: ErrorWriter = (_status, _code, message) => ({
  contentType: 'text/plain; charset=utf-8',
  body: message,
});

/** Paths under `prefix` get their errors written by `write`; others get JSON. */
export interface FaceErrors {
  prefix: string;
  write: ErrorWriter;
}

/**
 * The options only createServer takes. Node checks both timeouts every connectionsCheckingInterval
 * (30 s by default), so a 10 s limit would hold a socket for up to 40 s; the check runs at a quarter
 * of the shorter limit instead (at most every second).
 */
export function serverOptions(limits: ListenerLimits): ServerOptions {
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))),
  };
}

/**
 * Closes a client's connections beyond `max` at once, before TLS or HTTP is spoken on them: a client
 * holding that many sockets is not waiting for an answer on a new one, and a 503 would cost a TLS
 * handshake per refused socket.
 */
export function limitConnectionsPerClient(server: NetServer, max: number, logger?: Logger): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      logger?.debug({ remoteAddress: address, open: count }, 'connection refused: too many from this client');
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** Node's client error codes and the answer each gets; anything else unparsable is a 400. */
const answers: Record<string, HttpErrorCode> = {
  HPE_HEADER_OVERFLOW: 'header_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'payload_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/** After the answer, how long the rest of what the client sends is read and dropped before closing. */
const lingerMs = 1000;

/** The path of a request line at the start of `packet` (the query, which may be what overflowed, left out). */
function requestLinePath(packet: Buffer | undefined): string | null {
  if (!packet) return null;
  const line = /^[A-Z]{3,10} (\/[^\s?#]*)/.exec(packet.subarray(0, 2048).toString('latin1'));
  return line?.[1] ?? null;
}

/**
 * Answers the errors Node's HTTP server raises before a request reaches the app. The path, when
 * known (the request line is in the offending packet, or the request was already dispatched, as for
 * a body that arrives too slowly), picks the face that writes the body.
 */
export function answerClientErrors(
  server: NetServer,
  options: { faces: FaceErrors[]; logger?: Logger },
): void {
  // The URL as received: Express rewrites req.url while it routes into mounted routers.
  const current = new WeakMap<Duplex, { url: string; res: ServerResponse }>();
  const answered = new WeakSet<Duplex>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) =>
    current.set(req.socket, { url: req.url ?? '', res }),
  );
  server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (answered.has(socket)) return;
    answered.add(socket);
    const inFlight = current.get(socket);
    const code = answers[err.code ?? ''] ?? 'malformed_request';
    // A response already under way cannot be followed by another: the client sees the connection close.
    if (
      err.code === 'ECONNRESET' ||
      !socket.writable ||
      (inFlight && inFlight.res.headersSent && !inFlight.res.writableEnded)
    ) {
      socket.destroy();
      return;
    }
    const path =
      requestLinePath(err.rawPacket) ??
      (inFlight && !inFlight.res.writableEnded ? (inFlight.url.split('?')[0] ?? '') : '');
    const face = options.faces.find((f) => path === f.prefix || path.startsWith(`${f.prefix}/`));
    const { status, message } = httpErrorCodes[code];
    const wire = (face?.write ?? jsonErrorWire)(status, code, message);
    options.logger?.debug({ code: err.code, status, path }, 'client error answered');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        `Content-Type: ${wire.contentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(wire.body)}\r\n` +
        'Connection: close\r\n\r\n' +
        wire.body,
    );
    // Closing with unread input makes the kernel send a reset, which can destroy the answer before
    // the client reads it: drain for a moment, then close whatever the client does.
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

/** Applies the limits and the client-error answers to a server made with {@link serverOptions}. */
export function hardenListener(
  server: NetServer,
  limits: ListenerLimits,
  options: { faces: FaceErrors[]; logger?: Logger },
): void {
  limitConnectionsPerClient(server, limits.maxConnectionsPerClient, options.logger);
  answerClientErrors(server, options);
}
