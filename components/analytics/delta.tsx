import { ArrowDownRight, ArrowUpRight, Minus } from 'lucide-react';
import { cn } from '@/lib/client/cn';

/**
 * The change against the previous period, absolute and as a percentage. `goodWhenUp` false for
 * KPIs where a rise is bad (cancellations, refunds), so the colour says better or worse.
 */
export function Delta({
  change,
  changeRate,
  format,
  goodWhenUp = true,
  testId,
}: {
  change: number;
  changeRate: number | null;
  format: (n: number) => string;
  goodWhenUp?: boolean;
  testId?: string;
}) {
  const up = change > 0;
  const flat = change === 0;
  const good = flat ? null : up === goodWhenUp;
  const Icon = flat ? Minus : up ? ArrowUpRight : ArrowDownRight;
  const pct = changeRate === null ? 'new' : `${changeRate > 0 ? '+' : ''}${(changeRate * 100).toFixed(1)}%`;
  return (
    <p
      data-testid={testId}
      className={cn(
        'flex items-center gap-1 text-xs tabular-nums',
        good === null ? 'text-muted-foreground' : good ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400',
      )}
    >
      <Icon className="size-3.5" aria-hidden="true" />
      <span data-testid={testId ? `${testId}-abs` : undefined}>{`${up ? '+' : flat ? '±' : '−'}${format(Math.abs(change))}`}</span>
      <span data-testid={testId ? `${testId}-pct` : undefined}>({pct})</span>
      <span className="text-muted-foreground">vs previous period</span>
    </p>
  );
}
