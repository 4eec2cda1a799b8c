// The token secret format lives with the other credential primitives (api/credentials/secret.ts),
// below every feature; this name stays for the tools and tests that import it from here.
export * from '../credentials/secret';
