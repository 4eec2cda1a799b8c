// Request bodies: JSON only (415 otherwise), at most 16 KiB (413), well-formed (400). A request
// without a body parses as {} so missing fields surface as 422s naming them.
import express, { type NextFunction, type Request, type Response } from 'express';
import { HttpProblem } from './problem';

import { MAX_BODY_BYTES } from '../contract/limits';

export { MAX_BODY_BYTES };

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function requireJsonMediaType(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const type = req.headers['content-type'];
  if (type === undefined || !JSON_MEDIA_TYPE.test(type)) {
    return next(
      new HttpProblem(
        415,
        'unsupported-media-type',
        'Unsupported Media Type',
        'Request bodies must be JSON, sent with "Content-Type: application/json".',
      ),
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    return next(new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'JSON bodies must be UTF-8.'));
  }
  next();
}

export const parseJsonBody = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });

/** Maps body-parser failures (they carry a `type`) to problems; anything else is left alone. */
export function bodyParserProblem(error: unknown): HttpProblem | null {
  if (typeof error !== 'object' || error === null || !('type' in error)) return null;
  switch ((error as { type: unknown }).type) {
    case 'entity.too.large':
      return new HttpProblem(413, 'payload-too-large', 'Content Too Large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    case 'entity.parse.failed':
      return new HttpProblem(400, 'malformed-json', 'Bad Request', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpProblem(
        415,
        'unsupported-media-type',
        'Unsupported Media Type',
        'JSON bodies must be UTF-8 without content encoding.',
      );
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new HttpProblem(400, 'bad-request', 'Bad Request', 'The request body could not be read.');
    default:
      return null;
  }
}

/** The parsed body, with "no body" as an empty object. */
export function bodyOf(req: Request): unknown {
  return req.body === undefined ? {} : (req.body as unknown);
}

/**
 * requireJsonMediaType then parseJsonBody as one middleware, which returns at once for a
 * request that declares no body (neither Content-Length nor Transfer-Encoding): both would pass
 * such a request on untouched, and nearly every GET is one.
 */
export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return next();
  requireJsonMediaType(req, res, (error?: unknown) => {
    if (error !== undefined) return next(error);
    parseJsonBody(req, res, next);
  });
}
