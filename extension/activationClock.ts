// How long the extension takes to start, from the extension host's own clock. extension.ts imports
// this module first, so in the bundle its first line runs before any other module's code. What the
// extension costs the window is the time from here to the end of its imports (evaluating every
// module it loads at start-up) plus activate() itself (the registrations). V8's compiling of dist/extension.js comes
// before this line and is not counted; VS Code's "Running Extensions" view shows it as code loading.

/** performance.now() when the bundle began to run. */
const bundleStarted = performance.now();
/** performance.now() when extension.ts's own code began: every module it imports has run. */
let modulesLoaded = bundleStarted;

/** Called by extension.ts once its imports have run. */
export function noteModulesLoaded(): void {
  modulesLoaded = performance.now();
}

export interface ActivationTiming {
  /** From the bundle's first line to the end of its imports: evaluating the modules loaded at start-up. */
  readonly loadMilliseconds: number;
  /** activate() itself: the registrations. */
  readonly activateMilliseconds: number;
  /**
   * The two together: the figure kept under 30 ms. VS Code's own wait between loading the bundle
   * and calling activate() (it opens the extension's storage meanwhile) is not the extension's.
   */
  readonly totalMilliseconds: number;
}

/** Starts timing activate(); the returned function ends it and gives the figures. */
export function startActivationClock(): () => ActivationTiming {
  const called = performance.now();
  return () => {
    const ended = performance.now();
    const loadMilliseconds = modulesLoaded - bundleStarted;
    const activateMilliseconds = ended - called;
    return { loadMilliseconds, activateMilliseconds, totalMilliseconds: loadMilliseconds + activateMilliseconds };
  };
}
