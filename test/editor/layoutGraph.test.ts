import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../editor/src/graph/layoutGraph.ts';

describe('layoutGraph', () => {
  it('lays the flow out left to right and parks tools under their LLM', async () => {
    const size = { width: 230, height: 100 };
    const positions = await layoutGraph(
      [
        { id: 'in', ...size, isTool: false },
        { id: 'llm', ...size, isTool: false },
        { id: 'out', ...size, isTool: false },
        { id: 'weather', ...size, isTool: true },
      ],
      [
        { id: 'a', source: 'in', target: 'llm', tools: false },
        { id: 'b', source: 'llm', target: 'out', tools: false },
        { id: 'c', source: 'weather', target: 'llm', tools: true },
      ],
    );
    expect(positions.in.x).toBeLessThan(positions.llm.x);
    expect(positions.llm.x).toBeLessThan(positions.out.x);
    expect(positions.weather.x).toBe(positions.llm.x);
    expect(positions.weather.y).toBeGreaterThan(positions.llm.y + 100);
  });
});

describe('layoutGraph on a long chain', () => {
  const size = { width: 230, height: 100 };
  const chain = (n: number) => {
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    return {
      nodes: ids.map((id) => ({ id, ...size, isTool: false })),
      edges: ids
        .slice(1)
        .map((id, i) => ({ id: `e${i}`, source: ids[i], target: id, tools: false })),
    };
  };

  it('wraps ten stages into rows, each row left to right, so it fits a screen at a readable zoom', async () => {
    const { nodes, edges } = chain(10);
    const positions = await layoutGraph(nodes, edges, { width: 1200, height: 700 });
    const rows = [...new Set(Object.values(positions).map((p) => p.y))].sort((a, b) => a - b);
    expect(rows.length).toBeGreaterThan(1);
    const xs = Object.values(positions).map((p) => p.x);
    const ys = Object.values(positions).map((p) => p.y);
    const width = Math.max(...xs) + size.width - Math.min(...xs);
    const height = Math.max(...ys) + size.height - Math.min(...ys);
    expect(width / height).toBeLessThan(4);
    // Within a row the flow still runs left to right.
    for (let i = 1; i < 10; i++) {
      const [a, b] = [positions[`n${i - 1}`], positions[`n${i}`]];
      if (a.y === b.y) expect(a.x).toBeLessThan(b.x);
    }
  });

  it('keeps a short chain in one row', async () => {
    const { nodes, edges } = chain(3);
    const positions = await layoutGraph(nodes, edges, { width: 1200, height: 700 });
    expect(new Set(Object.values(positions).map((p) => p.y)).size).toBe(1);
  });
});
