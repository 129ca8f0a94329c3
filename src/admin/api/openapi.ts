/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas (zod 4's toJSONSchema emits
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1), so the document and the validation are one thing.
 */
import { z } from 'zod';
import { httpErrorCodes } from '../../http/errors.js';
import type { RouteSpec } from './route-table.js';
import { errorBody } from './schemas.js';

type Json = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

function parameters(spec: RouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: rest,
        ...(typeof description === 'string' ? { description } : {}),
      });
    }
  }
  return out;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

export function openApiDocument(
  table: readonly RouteSpec[],
  info: { version: string; serverUrl: string },
): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of table) {
    const responses: Record<string, Json> = {
      [String(spec.response.status)]: {
        description: spec.response.description ?? 'Success',
        content: spec.response.schema
          ? { 'application/json': { schema: schemaOf(spec.response.schema, 'output') } }
          : Object.fromEntries(
              (spec.response.media ?? []).map((m) => [m, { schema: { type: 'string', format: 'binary' } }]),
            ),
      },
      400: errorResponse('Invalid input (code invalid_input, malformed_json, …)'),
      500: errorResponse('Internal error'),
    };
    if (spec.permission) {
      responses[401] = errorResponse('Missing, unknown or expired token or session (code unauthorized)');
      responses[403] = errorResponse(
        `The role may not ${spec.permission} (code forbidden)` +
          (spec.method === 'get'
            ? ''
            : '; with the session cookie, X-CSRF-Token missing or wrong (code csrf_token_invalid)'),
      );
    }
    if (spec.params) responses[404] = errorResponse('No such object (code not_found)');
    for (const status of spec.errors ?? []) responses[status] ??= errorResponse('See the error code');
    const operation: Json = {
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      parameters: parameters(spec),
      responses,
      ...(spec.permission ? { 'x-permission': spec.permission } : { security: [] }),
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(spec.body, 'input') } },
      };
    }
    (paths[spec.path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Enrollment Gateway admin API',
      version: info.version,
      description:
        'Profiles, assets, P10/P12 enrolment, ACME/SCEP registration, the approval queue, enrolment codes, ' +
        `certificate inventory and audit. Errors are {code, message, details}; codes: ${Object.keys(httpErrorCodes).join(', ')} and the core codes. ` +
        'Every protected operation takes an API token (Authorization: Bearer) or the console session cookie ' +
        'from POST /session; with the cookie, every POST, PUT, PATCH and DELETE also needs the header ' +
        'X-CSRF-Token carrying the csrfToken of the session.',
    },
    servers: [{ url: info.serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (egw_…)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'egw_session',
          description: 'The console session (POST /session); state-changing calls also send X-CSRF-Token',
        },
      },
      schemas: { Error: schemaOf(errorBody, 'output') },
    },
    paths,
  };
}
