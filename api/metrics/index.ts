// Prometheus metrics, one registry per API instance (tests run several in one process).
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  authFailures: Counter<'reason'>;
  tokenLookups: Counter;
  authCacheHits: Counter;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'tessera_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request duration by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'tessera_auth_failures_total',
      help: 'Failed authentications by reason (the response never says which)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    tokenLookups: new Counter({
      name: 'tessera_token_lookups_total',
      help: 'Token verifications that read the database (auth cache misses)',
      registers: [registry],
    }),
    authCacheHits: new Counter({
      name: 'tessera_auth_cache_hits_total',
      help: 'Token verifications answered from the in-process cache',
      registers: [registry],
    }),
  };
}
