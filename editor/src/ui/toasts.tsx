import { useCallback, useState } from 'react';

export type ToastKind = 'error' | 'info';
export interface Toast { id: number; message: string; kind: ToastKind }
export type Notify = (message: string, kind?: ToastKind) => void;

let nextId = 1;

/** Short-lived messages in a corner; errors stay longer. */
export function useToasts(): [Toast[], Notify] {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notify = useCallback<Notify>((message, kind = 'info') => {
    const id = nextId++;
    setToasts((list) => [...list.slice(-4), { id, message, kind }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 3500);
  }, []);
  return [toasts, notify];
}

export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div className="lf-toasts" aria-live="polite">
      {toasts.map((t) => <div key={t.id} className={`lf-toast lf-toast-${t.kind}`} data-testid={`toast-${t.kind}`}>{t.message}</div>)}
    </div>
  );
}
