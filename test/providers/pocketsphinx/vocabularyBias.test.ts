import { describe, expect, it } from 'vitest';
import { pocketsphinxSttNode } from '../../../engine/providers/pocketsphinx/nodes.ts';
import {
  DEFAULT_BIAS_WEIGHT,
  languageModelBias,
} from '../../../engine/providers/pocketsphinx/vocabularyBias.ts';

const schema = pocketsphinxSttNode.config;

function issuePaths(config: unknown): string[] {
  const result = schema.safeParse(config);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('stt.pocketsphinx bias option', () => {
  it('is optional, and takes the responder or a phrase list with a default weight', () => {
    expect(schema.parse({})).toEqual({});
    expect(schema.parse({ bias: { phrases: 'responder' } })).toEqual({
      bias: { phrases: 'responder', weight: DEFAULT_BIAS_WEIGHT },
    });
    expect(schema.parse({ bias: { phrases: ['turn on the lights'], weight: 0.3 } })).toEqual({
      bias: { phrases: ['turn on the lights'], weight: 0.3 },
    });
  });

  it('names the field of a bad option', () => {
    expect(issuePaths({ bias: { phrases: 'responder', weight: 1 } })).toEqual(['bias.weight']);
    expect(issuePaths({ bias: { phrases: 'responder', weight: 0 } })).toEqual(['bias.weight']);
    expect(issuePaths({ bias: { phrases: [] } })).toEqual(['bias.phrases']);
    expect(issuePaths({ bias: { phrases: ['ok', '   '] } })).toEqual(['bias.phrases.1']);
    expect(issuePaths({ bias: { phrases: 'everything' } })).toEqual(['bias.phrases']);
  });

  it("builds the responder's phrases into a model that knows its places and intents", () => {
    const bias = languageModelBias({ phrases: 'responder', weight: 0.4 });
    expect(bias.weight).toBe(0.4);
    expect(bias.arpa).toMatch(/\tweather in tokyo\n/);
    expect(bias.arpa).toMatch(/\ttell me a\n/);
    // One model per phrase list, shared by every session of the graph.
    expect(languageModelBias({ phrases: 'responder', weight: 0.7 }).arpa).toBe(bias.arpa);
  });
});
