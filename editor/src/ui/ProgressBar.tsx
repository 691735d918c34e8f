export function ProgressBar({ value, label, testId }: { value: number; label?: string; testId?: string }) {
  const percent = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="lf-progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100} aria-label={label} data-testid={testId}>
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}
