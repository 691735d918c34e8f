/** One measured number, with the target it is judged against (when it has one). */
export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  /** `max`: the value must not exceed the limit; `min`: it must reach it. */
  target?: { kind: 'max' | 'min'; limit: number; text: string };
  /** How it was measured, or what it is next to (a reference, the machine's limit). */
  note?: string;
}

export interface JudgedFigure extends Figure {
  met: boolean | null;
}

export function judge(figure: Figure): JudgedFigure {
  const { target } = figure;
  if (!target) return { ...figure, met: null };
  const met = target.kind === 'max' ? figure.value <= target.limit : figure.value >= target.limit;
  return { ...figure, met };
}

/** A figure that could not be measured here, e.g. a variant ORT's CPU build lacks. */
export interface Unavailable {
  id: string;
  label: string;
  reason: string;
}
