import { uiStore, useUi } from '../store/uiStore.ts';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <button
          type="button"
          key={t.id}
          className={`toast ${t.kind}`}
          onClick={() => uiStore.getState().dismiss(t.id)}
          data-testid={`toast-${t.kind}`}
        >
          {t.text}
        </button>
      ))}
    </div>
  );
}
