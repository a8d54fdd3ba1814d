// What the training panel draws of a run, built up from the worker's events: the loss, validation
// loss, learning rate, gradient norms (global and per layer) by step, a DPO run's rewards, reward
// accuracy and KL, the samples, the checkpoints and the throughput. Plain data (no vscode), so it can be checked in unit tests.

import type { HistoryPoint } from '../engine/train/checkpoint';
import type { TrainOptions } from '../engine/train/options';
import type { TrainEvent } from '../engine/train/protocol';
import { learningRateAt } from '../engine/train/schedule';
import type { CheckpointView, PointView, RunStatus, RunView, SampleView } from '../../webviews/training/protocol';
import { architectureOf, type Architecture } from '../engine/train/trainableConfig';

/** Points kept for drawing; a longer run keeps every other point of its older half, and so on. */
const MAX_POINTS = 2000;
/** Points of the drawn learning-rate schedule. */
const SCHEDULE_POINTS = 200;
/** Samples kept: the panel shows the newest beside the one before. */
const MAX_SAMPLES = 20;

export class RunViewBuilder {
  private points: PointView[] = [];
  private samples: SampleView[] = [];
  private checkpoints = new Map<'last' | 'best', CheckpointView>();
  private layers: readonly string[] = [];
  private step = 0;
  private totalSteps: number;
  private stepsPerEpoch = 0;
  private trainTokens = 0;
  private parameters = 0;
  /** Known from the options for a new model; the started event says it for a continued one. */
  private architecture: Architecture;
  private speed: { tokensPerSecond: number; mfu: number; etaSeconds: number } | undefined;
  private notes: readonly string[] = [];

  constructor(
    readonly folder: string,
    private readonly dataLabel: string,
    private readonly options: TrainOptions,
    public status: RunStatus,
    public message?: string,
  ) {
    this.totalSteps = options.steps;
    this.architecture = architectureOf(options.model);
  }

  /** Puts back what a checkpoint kept (after a reload): loss and validation loss by step, and a DPO run's preference measurements. */
  restoreHistory(history: readonly HistoryPoint[], totalSteps: number): void {
    this.points = history.map((h) => ({
      step: h.step, loss: h.loss,
      ...(h.validationLoss === undefined ? {} : { validationLoss: h.validationLoss }),
      ...(h.preference === undefined ? {} : { preference: h.preference }),
    }));
    this.step = history.at(-1)?.step ?? 0;
    this.totalSteps = totalSteps;
    this.thin();
  }

  noteCheckpoint(which: 'last' | 'best', folder: string, step: number, validationLoss?: number): void {
    this.checkpoints.set(which, { which, folder, step, validationLoss });
  }

  apply(event: TrainEvent): void {
    switch (event.type) {
      case 'started':
        this.restoreHistory(event.history, event.totalSteps);
        this.layers = event.layers;
        this.stepsPerEpoch = event.stepsPerEpoch;
        this.trainTokens = event.trainTokens;
        this.parameters = event.parameters;
        this.architecture = event.architecture;
        this.notes = event.notes ?? [];
        return;
      case 'progress':
        this.step = event.step;
        this.totalSteps = event.totalSteps;
        this.speed = { tokensPerSecond: event.tokensPerSecond, mfu: event.mfu, etaSeconds: event.etaSeconds };
        this.points.push({
          step: event.step, loss: event.loss, learningRate: event.learningRate, gradNorm: event.gradNorm, layerGradNorms: event.layerGradNorms,
          ...(event.validationLoss === undefined ? {} : { validationLoss: event.validationLoss }),
          ...(event.preference === undefined ? {} : { preference: event.preference }),
        });
        this.thin();
        return;
      case 'sample':
        this.samples = [...this.samples, { step: event.step, prompt: event.prompt, text: event.text }].slice(-MAX_SAMPLES);
        return;
      case 'checkpoint':
        // A run stopped between progress reports saves the step it reached: the view shows it too.
        this.step = Math.max(this.step, event.step);
        this.noteCheckpoint(event.best ? 'best' : 'last', event.folder, event.step, event.validationLoss);
        return;
      default:
    }
  }

  /** Halves the older half of the points (keeping validation points) until there are at most MAX_POINTS. */
  private thin(): void {
    while (this.points.length > MAX_POINTS) {
      const half = this.points.length >> 1;
      const older = this.points.slice(0, half).filter((p, i) => i % 2 === 0 || p.validationLoss !== undefined);
      this.points = [...older, ...this.points.slice(half)];
    }
  }

  get currentStep(): number {
    return this.step;
  }

  /** The learning rate at about SCHEDULE_POINTS steps of the run, as the trainer will set it. */
  private schedule(): [number, number][] {
    const o = this.options;
    const schedule = { peak: o.learningRate, warmupSteps: o.warmupSteps, totalSteps: this.totalSteps, floorRatio: o.minLearningRateRatio, decay: o.schedule };
    const every = Math.max(1, Math.floor(this.totalSteps / SCHEDULE_POINTS));
    // The end of the warm-up is a corner of the curve: always one of the points.
    const corner = Math.min(this.totalSteps, o.warmupSteps) - 1;
    const steps = new Set([...Array.from({ length: Math.floor(this.totalSteps / every) }, (_, i) => i * every), corner, this.totalSteps - 1]);
    return [...steps].filter((s) => s >= 0).sort((a, b) => a - b).map((step) => [step + 1, learningRateAt(schedule, step)]);
  }

  view(): RunView {
    return {
      folder: this.folder,
      architecture: this.architecture,
      objective: this.options.objective?.kind ?? 'text',
      notes: this.notes,
      status: this.status,
      message: this.message,
      data: this.dataLabel,
      step: this.step,
      totalSteps: this.totalSteps,
      stepsPerEpoch: this.stepsPerEpoch,
      trainTokens: this.trainTokens,
      parameters: this.parameters,
      layers: this.layers,
      ...this.speed,
      points: this.points,
      samples: this.samples,
      checkpoints: [...this.checkpoints.values()],
      schedule: this.schedule(),
    };
  }
}
