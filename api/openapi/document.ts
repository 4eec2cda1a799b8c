// The OpenAPI 3.1 document of the API, served at GET /api/v1/openapi.json.
export function openApiDocument(options: { patMaxDays: number }): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Tessera API', version: '1.0.0' },
    paths: {},
    'x-pat-max-days': options.patMaxDays,
  };
}
