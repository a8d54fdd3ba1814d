// Every gradient rule, keyed by ONNX op type.

import type { GradientRule } from '../context';
import { ACTIVATION_RULES } from './activation';
import { DROPOUT_RULES } from './dropout';
import { ELEMENTWISE_RULES } from './elementwise';
import { LOSS_RULES } from './loss';
import { MATMUL_RULES } from './matmul';
import { NORMALIZATION_RULES } from './normalization';
import { REDUCE_RULES } from './reduce';
import { SHAPE_RULES } from './shape';

export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = {
  ...ELEMENTWISE_RULES, ...MATMUL_RULES, ...SHAPE_RULES, ...NORMALIZATION_RULES,
  ...ACTIVATION_RULES, ...DROPOUT_RULES, ...LOSS_RULES, ...REDUCE_RULES,
};
