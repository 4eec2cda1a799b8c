// The baseline of `npm run bench`: a bare Express 5 app with two JSON routes, in its own process:
// GET /hello, and POST /echo, which parses a JSON body and answers it back with 201.
// Prints {"url": …} on one stdout line once listening; exits on SIGTERM or when stdin closes.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/hello', (_req, res) => {
  res.json({ message: 'hello' });
});

app.post('/echo', express.json(), (req, res) => {
  res.status(201).json(req.body as unknown);
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
server.keepAliveTimeout = 65_000;
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
