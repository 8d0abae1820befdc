import type { RouterOutputs } from '@/lib/client/trpc';
import { count, dateTime, moneyByCurrency } from '@/lib/client/format';

type Profile = NonNullable<RouterOutputs['users']['profile']['data']>;

export function UserProfileCard({ profile }: { profile: Profile }) {
  const facts: [string, string, string][] = [
    ['Email', profile.email, 'profile-email'],
    ['Member since', dateTime(profile.memberSince), 'profile-member-since'],
    ['Last login', dateTime(profile.lastLoginAt), 'profile-last-login'],
    ['Completed orders', count(profile.totalOrders), 'profile-total-orders'],
    // Each currency apart: amounts in different currencies are never added together.
    ['Total spent', moneyByCurrency(profile.spentByCurrency), 'profile-total-spent'],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-3 sm:grid-cols-2">
      {facts.map(([label, value, testId]) => (
        <div key={label} className="grid gap-0.5">
          <dt className="text-xs font-medium text-muted-foreground">{label}</dt>
          <dd className="break-all text-sm" data-testid={testId}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
