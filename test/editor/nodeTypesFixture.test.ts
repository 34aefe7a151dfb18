import { describe, expect, it } from 'vitest';
import { nodeTypesFromRegistry, readNodeTypesFixture } from './fixtures/nodeTypesFromRegistry.ts';

describe('the editor tests’ node catalogue', () => {
  it('is what the built-in registry serves (refresh: npx tsx test/editor/fixtures/nodeTypesFromRegistry.ts)', () => {
    const fixture = readNodeTypesFixture();
    expect(fixture).toEqual(nodeTypesFromRegistry(fixture));
  });
});
