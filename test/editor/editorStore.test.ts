import { beforeEach, describe, expect, it } from 'vitest';
import { createEditorStore, type EditorStore } from '../../editor/src/store/editorStore.ts';
import { loadCatalogue, shippedDefaultGraph, voiceAgent } from './fixtures/loadCatalogue.ts';

let store: EditorStore;

beforeEach(() => {
  store = createEditorStore();
  store.getState().setCatalogue(loadCatalogue());
  store.getState().loadGraph(voiceAgent(), { name: 'voice-agent', revision: 'r1' });
});

const s = () => store.getState();
const node = (id: string) => s().nodes.find((n) => n.id === id);

describe('editor store', () => {
  it('loads a valid graph clean: no problems, not dirty, nothing to undo', () => {
    expect(s().errors).toEqual([]);
    expect(s().dirty).toBe(false);
    expect(s().canUndo).toBe(false);
    expect(s().document()).toEqual(voiceAgent());
  });

  it('loads the shipped default graph clean too', () => {
    s().loadGraph(shippedDefaultGraph(), { name: 'voice-agent', revision: 'r2' });
    expect(s().errors).toEqual([]);
    expect(s().warnings).toEqual([]);
    expect(s().document()).toEqual(shippedDefaultGraph());
  });

  it('colours edges by the frames they carry', () => {
    const edge = s().edges.find((e) => e.id === 'user-llm')!;
    expect(edge.data?.types).toEqual([
      'llm.context',
      'llm.context.preemptive',
      'llm.context.discard',
      'context.summarize',
    ]);
    expect(s().edges.find((e) => e.id === 'weather-llm')!.data?.types).toEqual([]);
  });

  it('undoes and redoes a config edit, and validates as you type', () => {
    s().updateConfig('vad', 'stopMs', 9000);
    expect(s().dirty).toBe(true);
    expect(s().issuesByNode.vad?.[0]).toMatchObject({
      code: 'invalid-config',
      path: 'nodes[1].config.stopMs',
    });
    s().undo();
    expect(node('vad')!.data.config.stopMs).toBe(300);
    expect(s().errors).toEqual([]);
    expect(s().dirty).toBe(false);
    s().redo();
    expect(node('vad')!.data.config.stopMs).toBe(9000);
    expect(s().canRedo).toBe(false);
  });

  it('merges a burst of typing in one field into one undo step', () => {
    s().updateConfig('llm', 'persona', 'B');
    s().updateConfig('llm', 'persona', 'Bo');
    s().updateConfig('llm', 'persona', 'Bob');
    s().updateConfig('tts', 'voice', 'rms');
    s().undo();
    expect(node('tts')!.data.config.voice).toBe('slt');
    expect(node('llm')!.data.config.persona).toBe('Bob');
    s().undo();
    expect(node('llm')!.data.config.persona).toBe('Parley');
    expect(s().canUndo).toBe(false);
  });

  it('removes a key when set to undefined, so the default applies', () => {
    s().updateConfig('tts', 'voice', undefined);
    expect('voice' in node('tts')!.data.config).toBe(false);
  });

  it('adds nodes with readable unique ids and undoes the add', () => {
    const id = s().addNode('tts.flite', { x: 0, y: 0 });
    expect(id).toBe('tts2');
    expect(s().selectedNodeId).toBe('tts2');
    // A new node nobody feeds is a problem the user sees at once.
    expect(s().issuesByNode.tts2?.[0].code).toBe('unreachable');
    s().undo();
    expect(node('tts2')).toBeUndefined();
  });

  it('connects through the connection rules and refuses impossible wires', () => {
    s().deleteSelection();
    s().selectNode('sentences');
    s().deleteSelection();
    expect(s().edges.some((e) => e.target === 'sentences' || e.source === 'sentences')).toBe(false);
    const bad = s().connect({
      source: 'assistant',
      target: 'tts',
      sourceHandle: 'out',
      targetHandle: 'in',
    });
    expect(bad.ok).toBe(true); // llm.response.end reaches the TTS through the assistant
    const refused = s().connect({
      source: 'vad',
      target: 'user',
      sourceHandle: 'out',
      targetHandle: 'tools',
    });
    expect(refused.ok).toBe(false);
    s().undo();
    s().undo();
    expect(node('sentences')).toBeDefined();
    expect(s().edges.some((e) => e.id === 'sentences-tts')).toBe(true);
  });

  it('deletes a node with its edges in one undo step', () => {
    s().selectNode('stt');
    s().deleteSelection();
    expect(node('stt')).toBeUndefined();
    expect(s().edges.some((e) => e.source === 'stt' || e.target === 'stt')).toBe(false);
    expect(s().errors.some((e) => e.code === 'unreachable')).toBe(true);
    s().undo();
    expect(node('stt')).toBeDefined();
    expect(s().edges.filter((e) => e.source === 'stt' || e.target === 'stt')).toHaveLength(2);
  });

  it('copies and pastes a selection with its internal edges only', () => {
    s().onNodesChange([
      { type: 'select', id: 'vad', selected: true },
      { type: 'select', id: 'stt', selected: true },
    ]);
    const clip = s().copy()!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['vad', 'stt']);
    expect(clip.edges.map((e) => e.id)).toEqual(['vad-stt']);
    s().paste(clip);
    expect(node('vad2')).toBeDefined();
    expect(node('stt2')).toBeDefined();
    expect(node('vad2')!.position).toEqual({ x: 260, y: 160 });
    expect(s().edges.filter((e) => e.source === 'vad2')).toMatchObject([{ target: 'stt2' }]);
    expect(
      s()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['vad2', 'stt2']);
    s().undo();
    expect(node('vad2')).toBeUndefined();
  });

  it('duplicates the selection', () => {
    s().selectNode('llm');
    s().duplicateSelection();
    expect(node('llm2')?.data.config).toEqual({ persona: 'Parley' });
    expect(node('llm2')?.data.config).not.toBe(node('llm')?.data.config);
  });

  it('records a drag as one step, at its start', () => {
    s().onNodesChange([
      { type: 'position', id: 'vad', position: { x: 230, y: 120 }, dragging: true },
    ]);
    s().onNodesChange([
      { type: 'position', id: 'vad', position: { x: 260, y: 130 }, dragging: true },
    ]);
    s().onNodesChange([
      { type: 'position', id: 'vad', position: { x: 300, y: 140 }, dragging: false },
    ]);
    expect(s().dirty).toBe(true);
    s().undo();
    expect(node('vad')!.position).toEqual({ x: 220, y: 120 });
    expect(s().dirty).toBe(false);
  });

  it('renames a node and rewires its edges', () => {
    expect(s().renameNode('tts', '9bad')).toMatch(/letter/);
    expect(s().renameNode('tts', 'vad')).toMatch(/already/);
    expect(s().renameNode('tts', 'speech')).toBeNull();
    expect(s().edges.find((e) => e.id === 'tts-out')).toMatchObject({
      source: 'speech',
      target: 'out',
    });
    expect(s().errors).toEqual([]);
  });

  it('is clean again after markSaved', () => {
    s().updateConfig('tts', 'rate', 1.2);
    expect(s().dirty).toBe(true);
    s().markSaved({ name: 'voice-agent', revision: 'r2' });
    expect(s().dirty).toBe(false);
    expect(s().target.revision).toBe('r2');
  });
});
