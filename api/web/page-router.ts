// Serves the built page (dist/web/, from `npm run web:build`) from the API process: the same
// index.html for each of the page's own paths (the page routes on the client) and the hashed
// assets under /assets/ with a long cache life.
import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { HttpProblem, sendProblem } from '../http/problem';
import { setPageSecurityHeaders } from './security-headers';

export const DEFAULT_WEB_ROOT = path.resolve(__dirname, '..', '..', 'dist', 'web');

/** The paths the page itself answers; everything else stays with the API's own 404. */
export const PAGE_PATHS = ['/', '/account', '/sign-in'] as const;

export interface WebPageOptions {
  /** Folder with index.html and assets/; defaults to dist/web/ in the checkout. */
  root?: string;
}

const notBuilt = (): HttpProblem =>
  new HttpProblem(503, 'web-page-not-built', 'Service Unavailable', 'The web page has not been built: run "npm run web:build" and reload.');

export function webPageRouter(options: WebPageOptions = {}): Router {
  const root = path.resolve(options.root ?? DEFAULT_WEB_ROOT);
  const indexFile = path.join(root, 'index.html');
  const router = express.Router();

  router.use('/assets', (req, res, next) => {
    setPageSecurityHeaders(req, res);
    next();
  });
  router.use(
    '/assets',
    express.static(path.join(root, 'assets'), {
      index: false,
      redirect: false,
      fallthrough: true,
      // File names carry a content hash, so a cached copy can never be stale.
      immutable: true,
      maxAge: '365d',
    }),
  );

  const sendPage = (req: Request, res: Response) => {
    setPageSecurityHeaders(req, res);
    if (!fs.existsSync(indexFile)) {
      sendProblem(res, notBuilt());
      return;
    }
    // Revalidate every time: a new build must reach people on their next load.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
  for (const pagePath of PAGE_PATHS) {
    router.get(pagePath, sendPage);
  }
  return router;
}
