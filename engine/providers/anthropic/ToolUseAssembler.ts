import type { ChatToolCall } from '../../core/frames.ts';

/**
 * Puts streamed `tool_use` content blocks back together. A block opens with
 * its id and name (`content_block_start`), its input arrives as pieces of JSON
 * (`input_json_delta`) keyed by the block's index; text blocks interleave with
 * them, so only indexes that opened a tool_use are collected.
 */
export class ToolUseAssembler {
  private readonly blocks = new Map<number, { id: string; name: string; parts: string[] }>();

  open(index: number, id: string, name: string): void {
    this.blocks.set(index, { id, name, parts: [] });
  }

  /** A piece of a block's input JSON; pieces for indexes that are not tool_use are ignored. */
  append(index: number, partialJson: string): void {
    this.blocks.get(index)?.parts.push(partialJson);
  }

  get size(): number {
    return this.blocks.size;
  }

  /** The calls in block order. A tool without arguments streams no JSON: its input is `{}`. */
  finish(): ChatToolCall[] {
    return [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, b]) => ({ id: b.id, name: b.name, arguments: b.parts.join('') || '{}' }));
  }
}
