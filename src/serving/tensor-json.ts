/**
 * Request bodies whose tensors are read without building arrays of boxed numbers. The backend's
 * jsonNumberArrays finds every long array of plain numbers in the body's bytes and converts its
 * numbers (in native code on the native backends, several times faster than JSON.parse); each
 * such array is replaced in the text by a marker object, the rest (names, shapes, ids: small) goes
 * through the JSON parser the server uses everywhere else, and each marker becomes a Float64Array.
 *
 * A marker is an object because an object is a JSON value wherever an array is, and like an array
 * it cannot be an object key: a valid text stays valid, an invalid one stays invalid, and the body
 * parses to what JSON.parse gives, except that the long number arrays are Float64Arrays. Its key
 * holds a random id drawn at start-up, so no client can forge a marker.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { getBackend } from '../backend/registry.js';

/** Arrays shorter than this stay in the text: for them the detour saves nothing. */
export const TENSOR_MIN_LENGTH = 16;

/**
 * Bodies shorter than this go straight to the JSON parser: below about 4 KiB (a request of three
 * rows of 64 features), the scan's fixed costs outweigh what it saves (measured on the cpu backend).
 */
export const TENSOR_MIN_BODY_BYTES = 4096;

const MARKER_KEY = `\u0000mlwatch-tensor ${randomUUID()}`;
const MARKER_PREFIX = `{${JSON.stringify(MARKER_KEY)}:`;

/**
 * Parses the UTF-8 JSON `body` with `parse` (a JSON parser for a string, which throws on bad
 * input), every array of at least TENSOR_MIN_LENGTH plain numbers becoming a Float64Array.
 */
export function parseTensorJson(body: Buffer, parse: (text: string) => unknown): unknown {
  const { spans, values } = getBackend().jsonNumberArrays(body, TENSOR_MIN_LENGTH);
  if (spans.length === 0) return parse(body.toString('utf8'));
  const tensors: Float64Array[] = [];
  const parts: string[] = [];
  let at = 0;
  let offset = 0;
  for (let k = 0; k < spans.length; k += 3) {
    // The spans start at '[' and end after ']': cutting there never splits a UTF-8 sequence.
    parts.push(body.toString('utf8', at, spans[k]), `${MARKER_PREFIX}${tensors.length}}`);
    tensors.push(values.subarray(offset, offset + spans[k + 2]));
    offset += spans[k + 2];
    at = spans[k + 1];
  }
  parts.push(body.toString('utf8', at));
  return withTensors(parse(parts.join('')), tensors);
}

function markerIndex(value: object): number | undefined {
  const index = (value as Record<string, unknown>)[MARKER_KEY];
  return typeof index === 'number' ? index : undefined;
}

/** `parsed` with every marker replaced by its tensor (an explicit stack: nesting may be deep). */
function withTensors(parsed: unknown, tensors: Float64Array[]): unknown {
  if (typeof parsed !== 'object' || parsed === null) return parsed;
  const top = markerIndex(parsed);
  if (top !== undefined) return tensors[top];
  const stack: Record<string, unknown>[] = [parsed as Record<string, unknown>];
  while (stack.length > 0) {
    const container = stack.pop()!;
    const visit = (key: string | number, value: unknown) => {
      if (typeof value !== 'object' || value === null) return;
      const index = markerIndex(value);
      if (index !== undefined) (container as Record<string | number, unknown>)[key] = tensors[index];
      else stack.push(value as Record<string, unknown>);
    };
    if (Array.isArray(container)) for (let k = 0; k < container.length; k++) visit(k, container[k]);
    else for (const key of Object.keys(container)) visit(key, container[key]);
  }
  return parsed;
}

/** A fastify JSON parser of the shape getDefaultJsonParser returns. */
type JsonParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * The server's parser for application/json bodies (as a Buffer): a route whose config says
 * `tensorBody: true` (the infer routes) reads a large body with parseTensorJson, every other body
 * goes to `json` (fastify's default parser, which gives bad JSON its 400). The JS backend's scan is
 * the readable reference and slower than JSON.parse, so on that backend every body goes to `json`.
 */
export function jsonBodyParser(json: JsonParser): (request: FastifyRequest, body: Buffer | string, done: (error: Error | null, value?: unknown) => void) => void {
  return (request, body, done) => {
    const buffer = body as Buffer;
    const tensorBody = (request.routeOptions.config as { tensorBody?: boolean } | undefined)?.tensorBody === true;
    if (!tensorBody || buffer.length < TENSOR_MIN_BODY_BYTES || getBackend().name === 'js') {
      json(request, buffer.toString('utf8'), done);
      return;
    }
    let parsed: unknown;
    try {
      parsed = parseTensorJson(buffer, (text) => {
        let value: unknown;
        let failure: Error | null = null;
        json(request, text, (error, v) => {
          failure = error;
          value = v;
        });
        if (failure) throw failure;
        return value;
      });
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, parsed);
  };
}
