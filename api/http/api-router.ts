import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { authenticate } from './authenticate';
import { Problem, type ProblemType } from './problem';
import type { RateLimitName, RateLimiters } from './rate-limits';
import type { Principal, Role, TokenSettings } from './tokens';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Problem types this status can carry; documented as application/problem+json. */
  problems?: ProblemType[];
}

/** One route: the schemas here both validate requests and generate the OpenAPI document. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it: these roles only, 'optional' (anonymous or any valid token), or absent for public. */
  roles?: readonly Role[] | 'optional';
  /** A budget of requests per minute per caller (its token's subject, else its address): 429 past it. */
  rateLimit?: RateLimitName;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the route reads, for the document; the handler checks them and answers its own problem type. */
  headers?: z.ZodObject;
  responses: Record<number, ResponseSpec>;
}

export type AnyRouteSpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

const empty = z.object({});

export class ApiRouter {
  readonly router = express.Router();
  readonly routes: AnyRouteSpec[] = [];

  constructor(
    private readonly tokens: TokenSettings,
    private readonly rateLimiters?: RateLimiters,
  ) {}

  route<P extends z.ZodType = typeof empty, Q extends z.ZodType = typeof empty, B extends z.ZodType = z.ZodUndefined>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: RouteInput<P, Q, B>) => Promise<void> | void,
  ): this {
    this.routes.push(spec as unknown as AnyRouteSpec);
    const guards = [
      ...(spec.roles ? [authenticate(this.tokens, spec.roles)] : []),
      ...(spec.rateLimit && this.rateLimiters ? [this.rateLimiters(spec.rateLimit)] : []),
    ];
    this.router[spec.method](spec.path, ...guards, (req, res, next) => {
      Promise.resolve()
        .then(() => {
          if (spec.body && !req.is('application/json')) throw new Problem('unsupported-media-type');
          throwIfControlCharacters({ path: req.params, query: req.query, ...(spec.body && { body: req.body }) });
          return handler({
            params: parse(spec.params ?? empty, req.params, 'path'),
            query: parse(spec.query ?? empty, req.query, 'query'),
            body: spec.body ? parse(spec.body, req.body, 'body') : undefined,
            principal: req.principal,
            req,
            res,
          } as RouteInput<P, Q, B>);
        })
        .catch(next);
    });
    return this;
  }
}

type Where = 'path' | 'query' | 'body';
/** C0 controls and DEL, but for tab, line feed and carriage return, which prose may hold. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * One rule for every text field of every route, before any schema: a control character (a NUL
 * above all) is refused with the field's path, so it never reaches a database, an index, a
 * workflow or a carrier label.
 */
function throwIfControlCharacters(input: Partial<Record<Where, unknown>>): void {
  const errors: { in: Where; path: string; code: string; message: string }[] = [];
  const visit = (where: Where, value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      if (CONTROL_CHARACTER.test(value)) errors.push({ in: where, path: path.join('.'), code: 'control-character', message: 'control characters are not allowed' });
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (CONTROL_CHARACTER.test(key)) errors.push({ in: where, path: [...path, key].join('.'), code: 'control-character', message: 'control characters are not allowed in a name' });
        else visit(where, inner, [...path, key]);
      }
    }
  };
  for (const [where, value] of Object.entries(input) as [Where, unknown][]) visit(where, value, []);
  if (errors.length > 0) throw new Problem('validation-failed', `The request has ${errors.length} problem(s).`, { errors });
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'path' | 'query' | 'body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new Problem('validation-failed', `The ${where} has ${result.error.issues.length} problem(s).`, {
    errors: result.error.issues.map((issue) => ({
      in: where,
      path: issue.path.join('.'),
      code: issue.code,
      message: issue.message,
    })),
  });
}
