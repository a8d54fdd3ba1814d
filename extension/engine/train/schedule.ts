// The learning rate as a function of the step: a linear warmup from 0 to the peak (large early
// updates on random weights are unstable, and Adam's second-moment estimate is still noisy), then
// a cosine decay from the peak down to a floor at the last step (Loshchilov & Hutter, SGDR).
//   warmup:  lr(s) = peak · (s + 1) / warmup                                s < warmup
//   cosine:  lr(s) = floor + (peak − floor) · ½ (1 + cos(π · p)),   p = (s − warmup) / (total − warmup)

export interface LearningRateSchedule {
  /** The highest learning rate, reached at the end of the warmup. */
  readonly peak: number;
  /** Steps of linear warmup. */
  readonly warmupSteps: number;
  /** The step count of the whole run; the rate reaches `floor` at the last step. */
  readonly totalSteps: number;
  /** The lowest learning rate, as a fraction of `peak` (0.1 in many GPT recipes). */
  readonly floorRatio: number;
  /** 'constant' keeps the peak after warmup; 'cosine' decays to the floor. */
  readonly decay: 'cosine' | 'constant';
}

export function learningRateAt(schedule: LearningRateSchedule, step: number): number {
  const { peak, warmupSteps, totalSteps, floorRatio, decay } = schedule;
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  if (decay === 'constant') return peak;
  const floor = peak * floorRatio;
  const decaySteps = Math.max(1, totalSteps - 1 - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
