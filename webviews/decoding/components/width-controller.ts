// Follows the width of the element it is attached to, so charts are drawn at the panel's width
// (text stays at its real size) instead of being scaled down to fit.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class WidthController implements ReactiveController {
  /** Current content width in CSS pixels, never below `min`. */
  width: number;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly min: number,
    initial = 640,
  ) {
    this.width = initial;
    this.observer = new ResizeObserver(([entry]) => {
      const width = Math.max(this.min, Math.floor(entry.contentRect.width));
      if (entry.contentRect.width > 0 && width !== this.width) {
        this.width = width;
        this.host.requestUpdate();
      }
    });
    host.addController(this);
  }

  hostConnected(): void {
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer.disconnect();
  }
}
