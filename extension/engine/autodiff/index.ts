// Symbolic reverse-mode differentiation of GraphBuilder graphs, and its finite-difference check.
export { addGradients, type GradientOptions } from './gradients';
export { GradContext, type GradientRule } from './context';
export { GRADIENT_RULES } from './rules/index';
export { inferShapes, broadcastShapes, type ShapeTable, type StaticInfo } from './shapes';
export { checkGradients, type CheckedInput, type GradCheckOptions, type GradCheckResult } from './gradCheck';
export { copyAsFloat64 } from './float64';
