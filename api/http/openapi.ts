import { z } from 'zod';
import type { AnyRouteSpec } from './api-router';
import { problemTypes, problemTypeUri } from './problem';
import { withRouterResponses } from './router-responses';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
};

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query' | 'header'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' && { description: property.description }),
  }));
}

/** OpenAPI 3.1 from the same route specs that validate requests. */
export function buildOpenApi(
  routes: AnyRouteSpec[],
  info: { title: string; version: string; description: string },
  tags: { name: string; description: string }[] = [],
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const roleNote =
      route.roles === 'optional'
        ? '\n\nOpen to anonymous callers; a bearer token, when sent, must be valid.'
        : route.roles
          ? `\n\nRequires a bearer token with role: ${route.roles.join(' or ')}.`
          : '';
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description ?? ''}${roleNote}`.trim() || undefined,
      tags: [route.tag],
      ...(route.roles && { security: route.roles === 'optional' ? [{}, { bearer: [] }] : [{ bearer: [] }] }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query'), ...parameters(route.headers, 'header')],
      ...(route.body && {
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
      }),
      responses: Object.fromEntries(
        Object.entries(withRouterResponses(route)).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema && { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } }),
            ...(response.problems && {
              content: {
                'application/problem+json': {
                  schema: {
                    allOf: [{ $ref: '#/components/schemas/Problem' }],
                    properties: { type: { enum: response.problems.map(problemTypeUri) } },
                  },
                },
              },
            }),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'HS256 JWT with `sub` (customer or staff id) and `role` (customer, support or admin). Locally: `npm run token -- --role admin`.',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details. `type` is stable: switch on it, not on `title` or `detail`.',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string', enum: Object.keys(problemTypes).map((t) => problemTypeUri(t as keyof typeof problemTypes)) },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { in: { type: 'string' }, path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
}
