// GET /metrics, optionally behind a bearer token (TESSERA_METRICS_TOKEN) so that request counts,
// failure reasons and process details are not public where the API is. The comparison is of
// fixed-length digests, so its time says nothing about how much of a guess was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { HttpProblem, sendProblem } from './problem';
import type { ApiMetrics } from '../metrics';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The bearer token /metrics requires, from the environment; undefined when unset or empty. */
export function metricsTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env['TESSERA_METRICS_TOKEN'];
  return token === undefined || token === '' ? undefined : token;
}

export function metricsEndpoint(metrics: ApiMetrics, token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (req: Request, res: Response): Promise<void> => {
    if (expected !== undefined) {
      const presented = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        sendProblem(
          res,
          new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'Metrics require the bearer token configured for them.', undefined, {
            'WWW-Authenticate': 'Bearer realm="tessera-metrics"',
          }),
        );
        return;
      }
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  };
}
