// The beam search tree: every token proposed at every step. Kept beams are filled dots, pruned
// proposals hollow and faint, finished hypotheses squares; the path of the best hypothesis is
// drawn thick. Hovering a node tells its log-probability and length-normalised score.
import { LitElement, html, nothing, svg } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { baseStyles } from '../../shared/theme.css';
import { layoutBeamTree, type PlacedNode } from '../beamLayout';
import type { BeamNodeView } from '../protocol';
import { t } from '../strings';
import { beamTreeStyles } from './beam-tree.css';

const COLUMN = 96;
const ROW = 18;
const LEFT = 60;
const TOP = 28;

@customElement('beam-tree')
export class BeamTree extends LitElement {
  static override styles = [baseStyles, beamTreeStyles];

  @property({ attribute: false }) nodes: readonly BeamNodeView[] = [];
  @query('svg') private drawing!: SVGSVGElement;

  get image(): SVGSVGElement {
    return this.drawing;
  }

  override render() {
    if (!this.nodes.length) return nothing;
    const { placed, columns, rows } = layoutBeamTree(this.nodes);
    const width = LEFT + columns * COLUMN + 40;
    const height = TOP + rows * ROW + 30;
    const at = new Map(placed.map((p) => [p.node.id, p]));
    const cx = (p: PlacedNode) => LEFT + p.column * COLUMN;
    const cy = (p: PlacedNode) => TOP + p.row * ROW + ROW / 2;
    const rootY = TOP + (rows * ROW) / 2;
    const stateOf = (n: BeamNodeView) => t(n.status === 'kept' ? 'beamKept' : n.status === 'finished' ? 'beamFinished' : 'beamPruned');
    return html`<svg viewBox="0 0 ${width} ${height}" width=${width} height=${height} role="img" aria-label=${t('beamTreeLabel', this.nodes.length, columns)}>
      <text class="head" x="8" y="12">${t('beamPrompt')}</text>
      ${Array.from({ length: columns }, (_, i) => svg`<text class="head" x=${LEFT + i * COLUMN} y="12">${t('beamStep', i + 1)}</text>`)}
      <circle class="root" cx="20" cy=${rootY} r="5"></circle>
      ${placed.map((p) => {
        const parent = p.node.parentId === null ? undefined : at.get(p.node.parentId);
        const x1 = parent ? cx(parent) : 20;
        const y1 = parent ? cy(parent) : rootY;
        return svg`<line class="edge ${p.node.status} ${p.node.best ? 'best' : ''}" x1=${x1} y1=${y1} x2=${cx(p)} y2=${cy(p)}></line>`;
      })}
      ${placed.map((p) => {
        const n = p.node;
        const x = cx(p);
        const y = cy(p);
        const shape =
          n.status === 'finished'
            ? svg`<rect class="node finished" x=${x - 4} y=${y - 4} width="8" height="8"></rect>`
            : svg`<circle class="node ${n.status}" cx=${x} cy=${y} r=${n.status === 'kept' ? 4 : 3}></circle>`;
        return svg`<g class=${n.best ? 'best' : ''}>
          <title>${t('beamNodeTitle', n.label, stateOf(n), n.logprob.toFixed(2), n.score.toFixed(2))}</title>
          ${shape}
          <text class="token ${n.status}" x=${x + 7} y=${y}>${n.label}</text>
        </g>`;
      })}
    </svg>`;
  }
}
