// The `route` label of the request metrics: the template of the route a request belongs to
// (/api/v1/teams/:id), the same whatever the outcome. Express's own req.route cannot give that:
// it is unset for requests refused before routing (a malformed body), and once an error leaves
// the router, req.baseUrl no longer holds the router's mount path, so one route was counted
// under two names depending on its status. Matching the path against the API's templates
// instead depends on the path alone. Paths that match nothing share one label, so scanners
// cannot grow the number of series.
import type { Request } from 'express';

export const UNMATCHED_ROUTE = 'unmatched';

/** Express-style templates (/api/v1/teams/:id), in the order the routes are mounted. */
export function routeLabeller(templates: readonly string[]): (req: Request) => string {
  const patterns = templates.map((template) => {
    const source = template
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    // Express routes match without regard to case and with an optional trailing slash.
    return { template, pattern: new RegExp(`^${source}/?$`, 'i') };
  });
  return (req) => {
    const path = req.originalUrl.split('?')[0] ?? '';
    for (const { template, pattern } of patterns) if (pattern.test(path)) return template;
    // Routes outside the API (health, metrics, provider registry, web page) are mounted on the
    // app itself, where req.route and req.baseUrl stay as matched.
    const route = (req.route as { path?: unknown } | undefined)?.path;
    return typeof route === 'string' ? `${req.baseUrl}${route}` : UNMATCHED_ROUTE;
  };
}
