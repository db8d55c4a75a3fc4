/**
 * The Open Inference Protocol (v2 REST) inference request, checked against a served model's one
 * input tensor. Every way a body can be wrong becomes an InferInputError whose message names the
 * field and what was expected, so a client learns which input was wrong instead of getting a 500.
 *
 * A request: `{ "id"?: string, "inputs": [{ "name", "shape": [rows, features] | [features],
 * "datatype": "FP32" | "FP64" | "INT32", "data": [...] }], "outputs"?: [{ "name" }] }`, data flat
 * in row-major order or nested as the shape says.
 */
import { InferInputError } from '../errors.js';

/** The datatypes an input may use; the model computes in FP32 either way. */
export const INPUT_DATATYPES = ['FP32', 'FP64', 'INT32'] as const;
export type InputDatatype = (typeof INPUT_DATATYPES)[number];

/** A tensor as the protocol describes it; -1 in a shape is the batch dimension. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** What the request asks of the model: rows x features values, in FP32. */
export interface InferInput {
  /** The request's id, echoed in the response. */
  id: string | undefined;
  rows: number;
  data: Float32Array;
}

const FLOAT32_MAX = 3.4028234663852886e38;
const MAX_NESTING = 2;

function fail(message: string): never {
  throw new InferInputError(message);
}

/** A list of values: an array, or a Float64Array (how tensor-json.ts reads a long array of numbers). */
function isList(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || value instanceof Float64Array;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isList(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The shape as [rows, features], checked against the model's feature count. */
function shapeOf(shape: unknown, where: string, features: number): [number, number] {
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 2) {
    fail(`${where}.shape: expected [rows, ${features}] or [${features}] but received ${describe(shape)}`);
  }
  shape.forEach((d, k) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`${where}.shape[${k}]: expected a non-negative integer but received ${describe(d)}`);
  });
  const [rows, cols] = shape.length === 2 ? (shape as [number, number]) : [1, shape[0] as number];
  if (cols !== features) fail(`${where}.shape: the model takes ${features} features per row but the shape says ${cols}`);
  if (rows < 1) fail(`${where}.shape: expected at least 1 row but received ${rows}`);
  return [rows, cols];
}

/**
 * The values, flat, converted to FP32 as the datatype allows. Arrays of plain numbers may come as
 * Float64Arrays (tensor-json.ts reads long ones so); they are checked value by value the same way.
 */
function valuesOf(data: unknown, where: string, datatype: InputDatatype, count: number): Float32Array {
  if (!isList(data)) fail(`${where}.data: expected an array of ${count} numbers but received ${describe(data)}`);
  const out = new Float32Array(count);
  let at = 0;
  const visit = (values: ArrayLike<unknown>, depth: number): void => {
    for (let k = 0; k < values.length; k++) {
      const x = values[k];
      if (isList(x)) {
        if (depth >= MAX_NESTING) fail(`${where}.data: nested deeper than the shape's ${MAX_NESTING} dimensions`);
        visit(x, depth + 1);
        continue;
      }
      if (typeof x !== 'number') fail(`${where}.data[${at}]: expected a number but received ${describe(x)}`);
      if (datatype === 'INT32' && !(Number.isInteger(x) && x >= -2147483648 && x <= 2147483647)) fail(`${where}.data[${at}]: expected an INT32 but received ${x}`);
      if (datatype === 'FP32' && Math.abs(x) > FLOAT32_MAX) fail(`${where}.data[${at}]: ${x} overflows FP32`);
      if (at >= count) fail(`${where}.data: the shape says ${count} values but data holds more`);
      out[at++] = x;
    }
  };
  visit(data, 1);
  if (at !== count) fail(`${where}.data: the shape says ${count} values but data holds ${at}`);
  return out;
}

/**
 * Parses and checks a request body for a model with one input tensor `inputName` of `features`
 * values per row and one output `outputName`; `maxRows` bounds a request's rows.
 *
 * @throws InferInputError naming the field and what was expected
 */
export function parseInferRequest(body: unknown, model: { inputName: string; outputName: string; features: number; maxRows: number }): InferInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(`the body: expected a JSON object with "inputs" but received ${describe(body)}`);
  const request = body as Record<string, unknown>;
  const id = request.id;
  if (id !== undefined && typeof id !== 'string') fail(`id: expected a string but received ${describe(id)}`);
  const inputs = request.inputs;
  if (!Array.isArray(inputs) || inputs.length !== 1) {
    fail(`inputs: expected an array with one tensor (the model's input ${JSON.stringify(model.inputName)}) but received ${describe(inputs)}`);
  }
  const input = inputs[0] as Record<string, unknown>;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail(`inputs[0]: expected a tensor object but received ${describe(input)}`);
  if (input.name !== model.inputName) fail(`inputs[0].name: expected ${JSON.stringify(model.inputName)} (the model's input) but received ${describe(input.name)}`);
  const where = `input ${JSON.stringify(model.inputName)}`;
  const datatype = input.datatype;
  if (typeof datatype !== 'string' || !(INPUT_DATATYPES as readonly string[]).includes(datatype)) {
    fail(`${where}.datatype: expected one of ${INPUT_DATATYPES.join(', ')} but received ${describe(datatype)}`);
  }
  const [rows, cols] = shapeOf(input.shape, where, model.features);
  if (rows > model.maxRows) fail(`${where}.shape: at most ${model.maxRows} rows per request but received ${rows}`);
  const data = valuesOf(input.data, where, datatype as InputDatatype, rows * cols);
  const outputs = request.outputs;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) fail(`outputs: expected an array of { "name" } but received ${describe(outputs)}`);
    outputs.forEach((o, k) => {
      const name = (o as { name?: unknown } | null)?.name;
      if (name !== model.outputName) fail(`outputs[${k}].name: expected ${JSON.stringify(model.outputName)} (the model's output) but received ${describe(name)}`);
    });
  }
  return { id, rows, data };
}
