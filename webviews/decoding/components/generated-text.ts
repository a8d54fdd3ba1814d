// The prompt and the text generated so far, drawn as SVG so that it can be exported like the
// other views. Each generated token is shaded by the probability it had when it was chosen
// (darker = more probable); tokens the user picked are underlined.
import { LitElement, html, svg } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { percent } from '../format';
import type { GeneratedToken } from '../protocol';
import { t } from '../strings';
import { layoutTokens } from '../textLayout';
import { generatedTextStyles } from './generated-text.css';
import { WidthController } from './width-controller';

const LINE = 20;
const PAD = 8;

let measurer: CanvasRenderingContext2D | null | undefined;

/** Width of `text` in the editor font, measured on a canvas. */
function measure(text: string, font: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * 7.5;
  measurer.font = font;
  return measurer.measureText(text).width;
}

@customElement('generated-text')
export class GeneratedText extends LitElement {
  static override styles = [baseStyles, generatedTextStyles];

  @property() prompt = '';
  @property({ attribute: false }) generated: readonly GeneratedToken[] = [];
  @query('svg') private drawing!: SVGSVGElement;
  private readonly size = new WidthController(this, 300);

  get image(): SVGSVGElement {
    return this.drawing;
  }

  override render() {
    const WIDTH = this.size.width;
    const style = getComputedStyle(this);
    const size = parseFloat(style.getPropertyValue('--vscode-editor-font-size')) || 13;
    const family = style.getPropertyValue('--vscode-editor-font-family') || 'monospace';
    const font = `${size}px ${family}`;
    // The prompt is laid out word by word so that it wraps; generated tokens one by one.
    const words = this.prompt.match(/\s*\S+|\s+$/g) ?? [];
    const pieces = [...words, ...this.generated.map((g) => g.text)];
    const placed = layoutTokens(pieces, WIDTH - 2 * PAD, (s) => measure(s, font));
    const lines = placed.reduce((n, p) => Math.max(n, p.line + 1), 1);
    const height = lines * LINE + 2 * PAD;
    return html`<svg
      viewBox="0 0 ${WIDTH} ${height}"
      width=${WIDTH}
      height=${height}
      role="img"
      aria-label=${t('textLabel', this.generated.length)}
    >
      ${placed.filter((p) => p.token < words.length).map((p) => svg`<text class="prompt" x=${PAD + p.x} y=${PAD + p.line * LINE + LINE / 2} xml:space="preserve">${p.text}</text>`)}
      ${this.generated.map((g, i) => {
        const tokenPieces = placed.filter((p) => p.token === words.length + i);
        return svg`<g class=${g.forced ? 'token forced' : 'token'}>
          <title>${t(g.forced ? 'tokenPicked' : 'tokenSampled', percent(g.probability))}</title>
          ${tokenPieces.map((piece) => {
            const x = PAD + piece.x;
            const y = PAD + piece.line * LINE;
            return svg`<rect class="shade" x=${x} y=${y + 1} width=${piece.width} height=${LINE - 2} fill-opacity=${(0.1 + 0.55 * g.probability).toFixed(3)}></rect>
              <text x=${x} y=${y + LINE / 2} xml:space="preserve">${piece.text}</text>
              ${g.forced ? svg`<line class="underline" x1=${x} x2=${x + piece.width} y1=${y + LINE - 2} y2=${y + LINE - 2}></line>` : ''}`;
          })}
        </g>`;
      })}
    </svg>`;
  }
}
