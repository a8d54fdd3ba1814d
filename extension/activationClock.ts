// How long the extension takes to start, from the extension host's own clock. extension.ts imports
// this module first, so in the bundle its first line runs before any other module's code. What the
// extension costs the window is the time from here to the end of its imports (evaluating every
// module it loads at start-up) plus activate() itself (the registrations). V8's compiling of
// dist/extension.js comes before this line and is not counted; VS Code's "Running Extensions" view
// shows it as code loading. VS Code's own wait between loading the bundle and calling activate()
// (it opens the extension's storage meanwhile) is not the extension's and is left out too.
//
// Both spans are also given in CPU time of the extension host process (process.cpuUsage()): on a
// loaded machine the wall-clock figure includes the time the host waited for a core.

/** A moment on both clocks: performance.now() and the process's CPU time, in ms. */
interface Instant {
  readonly wall: number;
  readonly cpu: number;
}

function now(): Instant {
  const { user, system } = process.cpuUsage();
  return { wall: performance.now(), cpu: (user + system) / 1000 };
}

/** When the bundle began to run. */
const bundleStarted = now();
/** When extension.ts's own code began: every module it imports has run. */
let modulesLoaded = bundleStarted;

/** Called by extension.ts once its imports have run. */
export function noteModulesLoaded(): void {
  modulesLoaded = now();
}

export interface ActivationTiming {
  /** From the bundle's first line to the end of its imports: evaluating the modules loaded at start-up. */
  readonly loadMilliseconds: number;
  /** activate() itself: the registrations. */
  readonly activateMilliseconds: number;
  /** The two together: the figure kept under 30 ms. */
  readonly totalMilliseconds: number;
  /** The extension host's CPU time over the same two spans. */
  readonly cpuMilliseconds: number;
}

/** Starts timing activate(); the returned function ends it and gives the figures. */
export function startActivationClock(): () => ActivationTiming {
  const called = now();
  return () => {
    const ended = now();
    const loadMilliseconds = modulesLoaded.wall - bundleStarted.wall;
    const activateMilliseconds = ended.wall - called.wall;
    const cpuMilliseconds = modulesLoaded.cpu - bundleStarted.cpu + (ended.cpu - called.cpu);
    return { loadMilliseconds, activateMilliseconds, totalMilliseconds: loadMilliseconds + activateMilliseconds, cpuMilliseconds };
  };
}
