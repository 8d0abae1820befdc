import { Check, CircleDashed, Loader2, X } from 'lucide-react';
import { cn } from '@/lib/client/cn';
import { dateTime, isoTime, money } from '@/lib/client/format';
import type { OrderRow } from './orders-table';

type StepState = 'done' | 'current' | 'failed' | 'todo';
interface Step {
  key: string;
  label: string;
  state: StepState;
  at?: string | null;
  detail?: string;
}

const reasons: Record<string, string> = {
  payment_failed: 'the payment was declined or failed',
  out_of_stock: 'not enough stock; the payment was refunded',
};
export const cancelReasonText = (r: string | null) => (r ? (reasons[r] ?? r) : 'no reason recorded');

/** The saga's steps: placed → paid → completed, or → cancelled (with refund when stock ran out). */
export function sagaSteps(o: OrderRow): Step[] {
  const steps: Step[] = [{ key: 'placed', label: 'Placed', state: 'done', at: o.placedAt }];
  if (o.status === 'cancelled') {
    if (o.paidAt) steps.push({ key: 'paid', label: 'Paid', state: 'done', at: o.paidAt });
    else steps.push({ key: 'paid', label: 'Payment', state: 'failed', detail: 'not charged' });
    if (o.refundedCents > 0) steps.push({ key: 'refunded', label: 'Refunded', state: 'done', detail: money(o.refundedCents, o.currency) });
    steps.push({ key: 'cancelled', label: 'Cancelled', state: 'failed', at: o.cancelledAt, detail: cancelReasonText(o.cancelReason) });
    return steps;
  }
  const paid = Boolean(o.paidAt) || o.status === 'paid' || o.status === 'completed';
  steps.push({
    key: 'paid',
    label: 'Paid',
    state: paid ? 'done' : 'current',
    at: o.paidAt,
    detail: paid ? undefined : 'charging the payment…',
  });
  if (o.status === 'completed') steps.push({ key: 'completed', label: 'Completed', state: 'done', at: o.completedAt });
  else
    steps.push({
      key: 'completed',
      label: 'Completed',
      state: paid ? 'current' : 'todo',
      detail: paid ? (o.sagaStep === 'refund' || o.sagaStep === 'cancellation' ? 'compensating…' : 'reserving stock…') : undefined,
    });
  return steps;
}

const icons = {
  done: <Check className="size-3.5" aria-hidden="true" />,
  current: <Loader2 className="size-3.5 animate-spin" aria-hidden="true" />,
  failed: <X className="size-3.5" aria-hidden="true" />,
  todo: <CircleDashed className="size-3.5" aria-hidden="true" />,
};
const tone: Record<StepState, string> = {
  done: 'bg-green-600 text-white',
  current: 'bg-blue-600 text-white',
  failed: 'bg-red-600 text-white',
  todo: 'bg-muted text-muted-foreground',
};
const stateLabel: Record<StepState, string> = { done: 'done', current: 'in progress', failed: 'failed', todo: 'not yet' };

export function SagaTimeline({ order }: { order: OrderRow }) {
  const steps = sagaSteps(order);
  return (
    <ol className="grid gap-3 sm:flex sm:flex-wrap sm:items-start sm:gap-0" aria-label="Order progress" data-testid="saga-timeline">
      {steps.map((s, i) => (
        <li
          key={s.key}
          className="flex items-start gap-2 sm:flex-1"
          data-step={s.key}
          data-state={s.state}
          aria-current={s.state === 'current' ? 'step' : undefined}
        >
          <span className={cn('mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full', tone[s.state])}>
            {icons[s.state]}
          </span>
          <div className="grid min-w-0 gap-0.5 pr-3">
            <span className="text-sm font-medium">
              {s.label} <span className="sr-only">({stateLabel[s.state]})</span>
            </span>
            {s.at ? (
              <time className="text-xs text-muted-foreground" dateTime={isoTime(s.at)}>
                {dateTime(s.at)}
              </time>
            ) : null}
            {s.detail ? <span className="text-xs text-muted-foreground">{s.detail}</span> : null}
          </div>
          {i < steps.length - 1 ? <span className="mt-3 hidden h-px flex-1 bg-border sm:block" aria-hidden="true" /> : null}
        </li>
      ))}
    </ol>
  );
}
