// Requests Node's HTTP parser refuses before Express sees them (a method it does not know, bytes
// a request line may not hold, headers over the size limit, a request that never completes) get
// the same application/problem+json answers as every other error, not Node's bare default.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpProblem } from './problem';

function problemFor(code: string | undefined): HttpProblem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpProblem(
        431,
        'headers-too-large',
        'Request Header Fields Too Large',
        'The request headers are larger than the server accepts.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpProblem(408, 'request-timeout', 'Request Timeout', 'The request was not completed in time.');
    default:
      return new HttpProblem(400, 'bad-request', 'Bad Request', 'The request is not valid HTTP/1.1.');
  }
}

export function answerClientErrors(server: http.Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    // A peer that is gone cannot be answered.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const problem = problemFor(error.code);
    const body = JSON.stringify(problem.body());
    // An answer to HEAD has no body, whatever else was wrong with the request (a client reads
    // the bytes after the headers as the next response otherwise).
    const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        (head ? '' : body),
    );
  });
}
