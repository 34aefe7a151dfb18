import type { ChatToolCall } from '../../core/frames.ts';

/** One streamed fragment of a tool call, as in `choices[0].delta.tool_calls[]`. */
export interface ToolCallFragment {
  index: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Puts streamed tool calls back together. The first fragment of a call carries
 * its `id` and name, later ones only pieces of the JSON arguments, matched by
 * `index`. Some OpenAI-compatible servers (Ollama) send every call of a
 * parallel batch at index 0 and tell them apart only by id, so a new id at a
 * used index opens a new call.
 */
export class ToolCallAssembler {
  private readonly calls: Array<{ id: string; name: string; parts: string[] }> = [];
  /** Stream index → position in `calls` of the call that index currently feeds. */
  private readonly slotOfIndex = new Map<number, number>();

  add(fragment: ToolCallFragment): void {
    let slot = this.slotOfIndex.get(fragment.index);
    const current = slot === undefined ? undefined : this.calls[slot];
    if (!current || (fragment.id && current.id && fragment.id !== current.id)) {
      slot = this.calls.push({ id: fragment.id ?? '', name: '', parts: [] }) - 1;
      this.slotOfIndex.set(fragment.index, slot);
    }
    const call = this.calls[slot!];
    if (fragment.id && !call.id) call.id = fragment.id;
    if (fragment.function?.name) call.name += fragment.function.name;
    if (fragment.function?.arguments) call.parts.push(fragment.function.arguments);
  }

  get size(): number {
    return this.calls.length;
  }

  /** The finished calls, in the order the model started them. Calls without an id get one, so results can be paired. */
  finish(fallbackIdPrefix: string): ChatToolCall[] {
    return this.calls.map((c, i) => ({
      id: c.id || `${fallbackIdPrefix}_${i}`,
      name: c.name,
      arguments: c.parts.join(''),
    }));
  }
}
