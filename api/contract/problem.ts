// RFC 9457 problem details: the body of every error response.
import { z } from 'zod';
import { roleSchema } from './primitives';

export const fieldError = z.object({
  field: z.string().meta({ description: 'The bad field: a body path (name, teams.0), a query parameter or a header.' }),
  message: z.string(),
});

export const problem = z.object({
  type: z.string().meta({ description: 'A URN identifying the problem kind, e.g. urn:tessera:problem:validation-failed.' }),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  errors: z.array(fieldError).optional().meta({ description: 'On 422: every bad field.' }),
  required_roles: z.array(roleSchema).optional().meta({
    description:
      'On a 403 for a missing role: the roles any one of which would allow the request (e.g. ["SysAdmin"], or ["SysAdmin","Member","ReadOnly"]).',
  }),
  request_id: z.string().optional().meta({
    description: 'On 500: the id of the request, also in the X-Request-Id header and in the server log line; quote it to the operator.',
  }),
});

export type Problem = z.infer<typeof problem>;
