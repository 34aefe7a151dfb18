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
