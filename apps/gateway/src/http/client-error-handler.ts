import { Server } from 'node:http';
import { Socket } from 'node:net';
import { GATEWAY_ERRORS } from '../errors/error-codes';

/** llhttp's codes for a header that is malformed (CR/LF or other control characters in a value, bad names). */
const BAD_HEADER = new Set(['HPE_INVALID_HEADER_TOKEN', 'HPE_LF_EXPECTED', 'HPE_CR_EXPECTED', 'HPE_INVALID_HEADER_VALUE']);

/**
 * Requests that Node's HTTP parser rejects before any route runs — a header value with CR/LF, a malformed
 * request line, oversized headers — would otherwise get a bare "400 Bad Request". They get the platform's JSON
 * error instead, so a client sees the same shape for every refusal.
 */
export function installClientErrorHandler(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    let status = 400;
    let code = 'VALIDATION_FAILED';
    let message = 'The request could not be read as HTTP.';
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      code = 'INVALID_HEADER';
      message = 'The request headers are too large.';
    } else if (err.code && BAD_HEADER.has(err.code)) {
      code = 'INVALID_HEADER';
      message = GATEWAY_ERRORS.INVALID_HEADER.message;
    }
    const body = JSON.stringify({ error: { code, message } });
    const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}
