// Where each node of the beam search tree goes: one column per step, and within a column the
// children of each parent together, in their parent's order, most probable first. Pure, so the
// layout is tested without a browser.
import type { BeamNodeView } from './protocol';

export interface PlacedNode {
  readonly node: BeamNodeView;
  readonly column: number;
  readonly row: number;
}

export function layoutBeamTree(nodes: readonly BeamNodeView[]): { placed: PlacedNode[]; columns: number; rows: number } {
  const rowOf = new Map<number, number>();
  const placed: PlacedNode[] = [];
  let rows = 0;
  const steps = Math.max(0, ...nodes.map((n) => n.step + 1));
  for (let step = 0; step < steps; step++) {
    const column = nodes
      .filter((n) => n.step === step)
      .sort((a, b) => {
        const parentA = a.parentId === null ? -1 : (rowOf.get(a.parentId) ?? 0);
        const parentB = b.parentId === null ? -1 : (rowOf.get(b.parentId) ?? 0);
        return parentA - parentB || b.logprob - a.logprob || a.id - b.id;
      });
    column.forEach((node, row) => {
      rowOf.set(node.id, row);
      placed.push({ node, column: step, row });
    });
    rows = Math.max(rows, column.length);
  }
  return { placed, columns: steps, rows };
}
