/**
 * Writes a dense model as an ONNX file (ModelProto, opset 13: Gemm + activation per layer), so
 * that onnxruntime-node runs exactly the same weights. A minimal protobuf encoder: only the
 * fields this graph needs (field numbers from onnx.proto). Bench-only.
 */
import type { DenseLayer } from '../../src/index.js';

type Field = [number, 'varint', number] | [number, 'bytes', Uint8Array] | [number, 'string', string] | [number, 'message', Field[]];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function encode(fields: Field[]): Uint8Array {
  const parts: number[] = [];
  for (const [num, kind, value] of fields) {
    if (kind === 'varint') {
      parts.push(...varint((num << 3) | 0), ...varint(value));
      continue;
    }
    const bytes = kind === 'bytes' ? value : kind === 'string' ? new TextEncoder().encode(value) : encode(value);
    parts.push(...varint((num << 3) | 2), ...varint(bytes.length));
    for (const b of bytes) parts.push(b);
  }
  return Uint8Array.from(parts);
}

const FLOAT = 1;

function tensor(name: string, dims: number[], values: Float32Array): Field[] {
  return [...dims.map((d): Field => [1, 'varint', d]), [2, 'varint', FLOAT], [8, 'string', name], [9, 'bytes', new Uint8Array(values.buffer, values.byteOffset, values.byteLength)]];
}

function valueInfo(name: string, cols: number): Field[] {
  const shape: Field[] = [[1, 'message', [[2, 'string', 'N']]], [1, 'message', [[1, 'varint', cols]]]];
  return [[1, 'string', name], [2, 'message', [[1, 'message', [[1, 'varint', FLOAT], [2, 'message', shape]]]]]];
}

const OP: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' };

export function onnxModel(layers: readonly DenseLayer[]): Uint8Array {
  const nodes: Field[] = [];
  const initializers: Field[] = [];
  let input = 'X';
  layers.forEach((l, i) => {
    initializers.push([5, 'message', tensor(`W${i}`, [l.inputSize, l.outputSize], l.weights)]);
    initializers.push([5, 'message', tensor(`B${i}`, [l.outputSize], l.bias)]);
    const gemmOut = l.activation === 'linear' ? `H${i}` : `G${i}`;
    nodes.push([1, 'message', [[1, 'string', input], [1, 'string', `W${i}`], [1, 'string', `B${i}`], [2, 'string', gemmOut], [3, 'string', `gemm${i}`], [4, 'string', 'Gemm']]]);
    if (l.activation !== 'linear') nodes.push([1, 'message', [[1, 'string', gemmOut], [2, 'string', `H${i}`], [3, 'string', `act${i}`], [4, 'string', OP[l.activation]]]]);
    input = `H${i}`;
  });
  const last = layers[layers.length - 1];
  const graph: Field[] = [...nodes, [2, 'string', 'dense'], ...initializers, [11, 'message', valueInfo('X', layers[0].inputSize)], [12, 'message', valueInfo(input, last.outputSize)]];
  return encode([[1, 'varint', 8], [2, 'string', 'mlwatch-bench'], [7, 'message', graph], [8, 'message', [[1, 'string', ''], [2, 'varint', 13]]]]);
}
