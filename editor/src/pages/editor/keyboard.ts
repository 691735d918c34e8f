export interface EditorShortcuts {
  queue(): void;
  undo(): void;
  redo(): void;
  remove(): void;
  copy(): void;
  paste(): void;
  duplicate(): void;
  save(): void;
}

// Inputs that take no typed text: a slider, checkbox or button keeps focus after a click but has no undo of its own.
const NOT_TYPED = new Set(['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file']);

/** Whether keys go to a field that handles them itself (its own text editing and undo). */
export function typingIn(target: EventTarget | null): boolean {
  const element = target as (HTMLElement & { type?: string }) | null;
  if (!element) return false;
  if (element.tagName === 'INPUT') return !NOT_TYPED.has(String(element.type ?? 'text').toLowerCase());
  return element.tagName === 'TEXTAREA' || element.tagName === 'SELECT' || element.isContentEditable === true;
}

/** Editor shortcuts; Ctrl+Enter works everywhere, the rest only outside text fields (a slider is not one: Ctrl+Z after dragging it undoes the drag). */
export function bindShortcuts(shortcuts: EditorShortcuts): () => void {
  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key === 'Enter') {
      e.preventDefault();
      shortcuts.queue();
      return;
    }
    if (mod && e.key.toLowerCase() === 's') {
      e.preventDefault();
      shortcuts.save();
      return;
    }
    if (typingIn(e.target)) return;
    const key = e.key.toLowerCase();
    const action =
      mod && key === 'z' && !e.shiftKey ? shortcuts.undo
      : mod && (key === 'y' || (key === 'z' && e.shiftKey)) ? shortcuts.redo
      : mod && key === 'c' ? shortcuts.copy
      : mod && key === 'v' ? shortcuts.paste
      : mod && key === 'd' ? shortcuts.duplicate
      : !mod && (e.key === 'Delete' || e.key === 'Backspace') ? shortcuts.remove
      : undefined;
    if (action) {
      e.preventDefault();
      action();
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
