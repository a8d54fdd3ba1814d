// What a gradient rule can use while it adds backward nodes: the builder, static shapes of forward
// values, and a few helpers that every rule needs (typed constants, summing a broadcast gradient
// back to an input's shape).

import { attr } from '../onnx/attributes';
import type { GraphBuilder, NodeSpec } from '../onnx/builder';
import type { DType } from '../onnx/tensorData';
import type { ShapeTable, StaticInfo } from './shapes';

export class GradContext {
  private readonly scalars = new Map<string, string>();
  private readonly intConstants = new Map<string, string>();

  constructor(
    readonly g: GraphBuilder,
    readonly shapes: ShapeTable,
    /** Does input k of the node being differentiated need a gradient? Rules skip the others. */
    readonly needs: (node: NodeSpec, inputIndex: number) => boolean,
  ) {}

  info(name: string): StaticInfo {
    return this.shapes.info(name);
  }

  dims(name: string): readonly number[] {
    return this.shapes.info(name).dims;
  }

  /** A scalar constant of the given float type, shared by every rule that asks for the same value. */
  scalar(value: number, dtype: DType): string {
    const key = `${dtype}:${value}`;
    let name = this.scalars.get(key);
    if (!name) {
      const data = dtype === 'float64' ? new Float64Array([value]) : new Float32Array([value]);
      name = this.g.constant(data, [], 'grad_const');
      this.scalars.set(key, name);
    }
    return name;
  }

  /** An int64 vector constant (shapes, axes), shared likewise. */
  ints(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.intConstants.get(key);
    if (!name) {
      name = this.g.constant(BigInt64Array.from(values.map((v) => BigInt(v))), [values.length], 'grad_shape');
      this.intConstants.set(key, name);
    }
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes: Parameters<GraphBuilder['op']>[2] = {}): string {
    return this.g.op(opType, inputs, attributes, { name: `grad_${opType}` });
  }

  reshape(value: string, dims: readonly number[]): string {
    return this.op('Reshape', [value, this.ints(dims)]);
  }

  /** Sum over `axes`, keeping them as size-1 dims when `keepdims`. */
  reduceSum(value: string, axes: readonly number[], keepdims: boolean): string {
    return this.op('ReduceSum', [value, this.ints(axes)], { keepdims: attr.int(keepdims ? 1 : 0) });
  }

  /**
   * Broadcasting copies an input along some axes, so its gradient is the sum over those axes:
   * leading axes that the input lacks, and axes where the input has size 1.
   *   grad: [..., d1, d2] with the output's shape → [input dims]
   */
  sumToShape(grad: string, gradDims: readonly number[], target: readonly number[]): string {
    const lead = gradDims.length - target.length;
    const axes: number[] = [];
    for (let i = 0; i < gradDims.length; i++) {
      const t = i < lead ? undefined : target[i - lead];
      if (t === undefined || (t === 1 && gradDims[i] !== 1)) axes.push(i);
    }
    if (axes.length === 0) return grad;
    const summed = this.reduceSum(grad, axes, true);
    return this.reshape(summed, target);
  }
}

export type GradientRule = (node: NodeSpec, dOutputs: readonly (string | undefined)[], ctx: GradContext) => readonly (string | undefined)[];
