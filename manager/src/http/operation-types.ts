// The types of the operations' handlers, from the types generated out of the OpenAPI document
// (`npm run generate:api`): what a handler of an operation receives — its path parameters,
// query and body — and what it may answer, both checked against the document by the compiler.

import type { operations } from '@tablao/api-client';
import type { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Reply } from './router.ts';

export type OperationId = keyof operations;

/** Operations whose body reaches the handler as the request stream (`x-tablao-streamed-body` in the document). */
export type StreamedOperationId = 'shamanFileStore';

type Operation<Id extends OperationId> = operations[Id];

/** What the document declares in one place; `{}` where the operation declares nothing. */
type ParametersIn<Id extends OperationId, Where extends 'path' | 'query'> =
  [Exclude<Operation<Id>['parameters'][Where], undefined>] extends [never]
    ? Record<string, never>
    : Exclude<Operation<Id>['parameters'][Where], undefined>;

/** A JSON body as the document describes it; other bodies (images, files) arrive as bytes, streamed ones as a stream. */
type RequestBodyOf<Id extends OperationId> = Id extends StreamedOperationId
  ? Readable
  : Operation<Id>['requestBody'] extends infer Body
    ? Body extends { content: infer Content }
      ? 'application/json' extends keyof Content
        ? Content['application/json']
        : Buffer
      : undefined
    : never;

/** A request after validation: it fits the document, so it has the document's types. */
export interface OperationRequest<Id extends OperationId> {
  params: ParametersIn<Id, 'path'>;
  query: ParametersIn<Id, 'query'>;
  body: RequestBodyOf<Id>;
}

type Responses<Id extends OperationId> = Operation<Id>['responses'];

/** The body of a response: any of its content types' schemas; `undefined` when it has none. */
type ContentOf<Response> = Response extends { content: infer Content } ? Content[keyof Content] : undefined;

type DeclaredStatus<Id extends OperationId> = Extract<keyof Responses<Id>, number>;

/** A Reply with one of the statuses the operation declares, and that status's body. */
type ReplyOf<Id extends OperationId> = {
  [Status in DeclaredStatus<Id>]: Reply<Status, ContentOf<Responses<Id>[Status]>>;
}[DeclaredStatus<Id>];

/**
 * What a handler may answer: the 200 body itself, nothing for an operation that answers 204,
 * or a Reply for any status the document declares (with headers, or a status other than 200).
 */
export type OperationResult<Id extends OperationId> =
  | (200 extends keyof Responses<Id> ? ContentOf<Responses<Id>[200]> : never)
  | (204 extends keyof Responses<Id> ? void : never)
  | ReplyOf<Id>;

export type OperationHandler<Id extends OperationId> = (
  request: OperationRequest<Id>,
  ctx: Context,
) => OperationResult<Id> | Promise<OperationResult<Id>>;

/** Handlers by operationId; a group of handlers `satisfies` this. */
export type OperationHandlers = { [Id in OperationId]?: OperationHandler<Id> };

/** One handler for every operation the manager implements. */
export type ManagerHandlers = { [Id in OperationId]: OperationHandler<Id> };
