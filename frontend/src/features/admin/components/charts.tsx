// Small charts in plain SVG (no chart library: the admin chunk stays light): a daily bar chart and a
// horizontal bar list. Each bar has a <title>, so values show on hover and to screen readers.
export interface Point {
  label: string;
  value: number;
}

export function DailyBars({ points, color = '#1677ff', height = 140, testId }: { points: Point[]; color?: string; height?: number; testId?: string }) {
  const width = Math.max(points.length * 14, 200);
  const max = Math.max(1, ...points.map((p) => p.value));
  const bar = width / Math.max(points.length, 1);
  return (
    <svg viewBox={`0 0 ${width} ${height + 18}`} className="h-auto w-full" role="img" data-testid={testId}>
      <line x1={0} y1={height} x2={width} y2={height} stroke="#d9d9d9" />
      {points.map((p, i) => {
        const h = (p.value / max) * (height - 12);
        return (
          <g key={p.label}>
            <rect x={i * bar + 2} y={height - h} width={Math.max(bar - 4, 2)} height={h} fill={color} rx={2}>
              <title>{`${p.label}: ${p.value}`}</title>
            </rect>
            {(i === 0 || i === points.length - 1 || i % 7 === 0) && (
              <text x={i * bar + bar / 2} y={height + 13} fontSize={9} textAnchor="middle" fill="#8c8c8c">
                {p.label.slice(5)}
              </text>
            )}
          </g>
        );
      })}
      <text x={2} y={10} fontSize={9} fill="#8c8c8c">{max}</text>
    </svg>
  );
}

export function BarList({ points, colors, testId }: { points: Point[]; colors?: Record<string, string>; testId?: string }) {
  const max = Math.max(1, ...points.map((p) => p.value));
  return (
    <div className="flex flex-col gap-2" data-testid={testId}>
      {points.map((p) => (
        <div key={p.label} className="flex items-center gap-2 text-sm">
          <span className="w-24 shrink-0 truncate">{p.label}</span>
          <svg viewBox="0 0 100 10" preserveAspectRatio="none" className="h-4 flex-1">
            <rect x={0} y={0} width={(p.value / max) * 100} height={10} fill={colors?.[p.label] ?? '#52c41a'} rx={1}>
              <title>{`${p.label}: ${p.value}`}</title>
            </rect>
          </svg>
          <span className="w-10 text-right tabular-nums">{p.value}</span>
        </div>
      ))}
    </div>
  );
}
