import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/common/states';

/** A titled chart panel; `testId` is on the panel so tests and screenshots can find each chart. */
export function ChartCard({ title, description, testId, empty, children }: {
  title: string; description?: string; testId: string; empty?: boolean; children: React.ReactNode;
}) {
  return (
    <Card data-testid={testId} aria-label={title} className="min-w-0">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description ? <CardDescription>{description}</CardDescription> : null}
      </CardHeader>
      <CardContent>{empty ? <EmptyState title="No data for this range" /> : children}</CardContent>
    </Card>
  );
}

export const chartColors = {
  primary: 'var(--color-chart-1)',
  success: 'var(--color-chart-2)',
  warning: 'var(--color-chart-3)',
  danger: 'var(--color-chart-4)',
  grid: 'var(--color-border)',
  axis: 'var(--color-muted-foreground)',
};

/** Short axis labels for YYYY-MM-DD days: "03-14". */
export const dayTick = (day: unknown) => (typeof day === 'string' ? day.slice(5) : String(day));

/** Compact currency for axes: $1.2k. */
export const moneyTick = (dollars: unknown) =>
  typeof dollars === 'number' ? `$${new Intl.NumberFormat('en-US', { notation: 'compact' }).format(dollars)}` : String(dollars);
