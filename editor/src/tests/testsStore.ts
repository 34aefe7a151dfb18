/** The Tests panel's state: the server's suites, which scenarios to run, the job in progress and its results. */

import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { RunJob, SuiteSummary } from '#server/wire';
import { editorStore } from '../store/editorStore.ts';
import { describeFailure, testsApi } from './testsApi.ts';

export interface ScenarioDraft {
  suite: string;
  name: string;
  text: string;
  /** The server's refusal of the last save: the message, then each problem with its JSON path. */
  problems: string[];
  saving: boolean;
}

export interface TestsState {
  suites: SuiteSummary[];
  suite: string | null;
  /** Scenarios left out of the next run (all run by default). */
  skipped: Record<string, true>;
  /** Compare with the scenario's recording or the deployed revision (twice the work), or just judge. */
  compare: boolean;
  job: RunJob | null;
  /** Why the last run could not start or stopped, line by line. */
  problems: string[];
  /** The result whose details are shown. */
  open: string | null;
  editing: ScenarioDraft | null;

  loadSuites(): Promise<void>;
  selectSuite(name: string): void;
  toggle(name: string): void;
  setCompare(compare: boolean): void;
  run(): Promise<void>;
  cancel(): Promise<void>;
  setOpen(name: string | null): void;
  edit(name: string): Promise<void>;
  setEditText(text: string): void;
  saveEdit(): Promise<boolean>;
  closeEdit(): void;
}

const POLL_MS = 400;

export function createTestsStore(api = testsApi, draft = currentDraft) {
  let poller: ReturnType<typeof setTimeout> | undefined;
  return createStore<TestsState>()((set, get) => {
    const poll = (id: string) => {
      clearTimeout(poller);
      poller = setTimeout(async () => {
        try {
          const job = await api.job(id);
          if (get().job?.id !== id) return;
          set({ job });
          if (job.state === 'queued' || job.state === 'running') poll(id);
          else if (job.state === 'failed') set({ problems: [job.error ?? 'the run failed'] });
        } catch (error) {
          set({ problems: describeFailure(error) });
        }
      }, POLL_MS);
    };

    return {
      suites: [],
      suite: null,
      skipped: {},
      compare: true,
      job: null,
      problems: [],
      open: null,
      editing: null,

      async loadSuites() {
        try {
          const { suites } = await api.suites();
          const current = get().suite;
          set({
            suites,
            suite: suites.some((s) => s.name === current) ? current : (suites[0]?.name ?? null),
          });
        } catch (error) {
          set({ problems: describeFailure(error) });
        }
      },
      selectSuite(name) {
        set({ suite: name, skipped: {} });
      },
      toggle(name) {
        const skipped = { ...get().skipped };
        if (skipped[name]) delete skipped[name];
        else skipped[name] = true;
        set({ skipped });
      },
      setCompare(compare) {
        set({ compare });
      },
      async run() {
        const { suite, suites, skipped, compare } = get();
        const scenarios = suites
          .find((s) => s.name === suite)
          ?.scenarios.map((s) => s.name)
          .filter((name) => !skipped[name]);
        if (!suite || !scenarios?.length) {
          set({ problems: ['Choose at least one scenario to run.'] });
          return;
        }
        // The previous job's verdicts are not this run's: they go until the new job reports.
        clearTimeout(poller);
        set({ problems: [], open: null, job: null });
        try {
          const { graph, graphName } = draft();
          const job = await api.run({
            suite,
            scenarios,
            graph,
            graphName,
            baseline: compare ? 'auto' : 'none',
          });
          set({ job });
          poll(job.id);
        } catch (error) {
          set({ problems: describeFailure(error) });
        }
      },
      async cancel() {
        const job = get().job;
        if (!job) return;
        clearTimeout(poller);
        try {
          set({ job: await api.cancel(job.id) });
        } catch (error) {
          set({ problems: describeFailure(error) });
        }
      },
      setOpen(name) {
        set({ open: name });
      },
      async edit(name) {
        const suite = get().suite;
        if (!suite) return;
        try {
          const source = await api.source(suite, name);
          set({ editing: { suite, name, text: source.text, problems: [], saving: false } });
        } catch (error) {
          set({ problems: describeFailure(error) });
        }
      },
      setEditText(text) {
        const editing = get().editing;
        if (editing) set({ editing: { ...editing, text } });
      },
      async saveEdit() {
        const editing = get().editing;
        if (!editing) return false;
        set({ editing: { ...editing, saving: true, problems: [] } });
        try {
          await api.save(editing.suite, editing.name, editing.text);
          set({ editing: null });
          await get().loadSuites();
          return true;
        } catch (error) {
          set({ editing: { ...editing, saving: false, problems: describeFailure(error) } });
          return false;
        }
      },
      closeEdit() {
        set({ editing: null });
      },
    };
  });
}

/** The graph as it is in the editor now, saved or not, and its name on the server. */
function currentDraft(): { graph: unknown; graphName: string } {
  const editor = editorStore.getState();
  const graph = editor.document();
  const graphName = editor.target.name;
  return { graph: { ...graph, name: graphName }, graphName };
}

export const testsStore = createTestsStore();

export function useTests<T>(selector: (state: TestsState) => T): T {
  return useStore(testsStore, selector);
}
