// Placeholder until the test PostgreSQL is wired in (issue 2).
export default async function globalSetup(): Promise<void> {}
