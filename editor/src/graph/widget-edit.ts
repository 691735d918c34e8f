import type { FlowNode } from './schemes.ts';

/** One change of a literal input or a seed mode, undoable. */
export interface WidgetEdit {
  node: FlowNode;
  field: 'values' | 'seedModes';
  input: string;
  before: unknown;
  after: unknown;
}

export function applyWidgetEdit(edit: WidgetEdit, side: 'before' | 'after'): void {
  (edit.node[edit.field] as Record<string, unknown>)[edit.input] = edit[side];
}

// Keystrokes in the same field within this window undo as one step.
const MERGE_WINDOW_MS = 1000;

/** Turns widget edits into history actions, merging a burst of edits to the same field. */
export class WidgetEditRecorder {
  private last: { edit: WidgetEdit; at: number } | undefined;

  constructor(
    private readonly addAction: (action: { undo(): void; redo(): void }) => void,
    private readonly replay: (edit: WidgetEdit, side: 'before' | 'after') => void,
    private readonly now: () => number = Date.now,
  ) {}

  record(edit: WidgetEdit): void {
    const at = this.now();
    const last = this.last;
    if (last && at - last.at < MERGE_WINDOW_MS && last.edit.node === edit.node && last.edit.field === edit.field && last.edit.input === edit.input) {
      last.edit.after = edit.after;
      last.at = at;
      return;
    }
    const kept: WidgetEdit = { ...edit };
    this.last = { edit: kept, at };
    this.addAction({ undo: () => this.replay(kept, 'before'), redo: () => this.replay(kept, 'after') });
  }
}
