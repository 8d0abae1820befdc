'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/lib/client/trpc';
import { streamId } from '@/server/domain/contracts';
import { pollWhileStale } from '@/lib/client/freshness';
import { useCanCommand } from '@/lib/client/session';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/common/page-header';
import { ProcessingNotice, QueryStates, StaleFrame } from '@/components/common/states';
import { EventTimeline } from '@/components/events/event-timeline';
import { ChangeEmailForm } from './change-email-form';
import { UserOrders } from './user-orders';
import { UserProfileCard } from './user-profile-card';

/**
 * One user. `initialPosition` comes from ?p= after a command elsewhere; writes made here raise it.
 * Every query on the page waits for that position and says so while it is not reached.
 */
export function UserProfileView({ userId, initialPosition }: { userId: string; initialPosition?: number }) {
  const trpc = useTRPC();
  const canCommand = useCanCommand();
  const [minPosition, setMinPosition] = useState(initialPosition);
  const profile = useQuery({
    ...trpc.users.profile.queryOptions({ userId, minPosition }),
    refetchInterval: pollWhileStale(),
    // Keep showing the profile (and the change-email form with its confirmation) while a raised
    // minPosition is fetched, instead of unmounting both behind a loading block.
    placeholderData: (prev) => prev,
  });
  const data = profile.data?.data;
  const stale = Boolean(profile.data?.freshness.stale);

  return (
    <>
      <PageHeader title={data?.name ?? 'User'} description={`User ${userId}`} />
      <ProcessingNotice show={stale} />
      <QueryStates query={profile} data={data} loading={{ rows: 4, label: stale ? 'Waiting for the read model…' : 'Loading the profile…' }}>
        {(data) => (
          <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
            <Card>
              <CardHeader>
                <CardTitle>Profile</CardTitle>
              </CardHeader>
              <CardContent>
                <StaleFrame stale={stale || profile.isPlaceholderData}>
                  <UserProfileCard profile={data} />
                </StaleFrame>
              </CardContent>
            </Card>
            {canCommand ? (
              <Card>
                <CardHeader>
                  <CardTitle>Change email</CardTitle>
                </CardHeader>
                <CardContent>
                  <ChangeEmailForm
                    userId={userId}
                    currentEmail={data.email}
                    onWritten={(p) => setMinPosition((m) => Math.max(m ?? 0, p))}
                  />
                </CardContent>
              </Card>
            ) : null}
          </div>
        )}
      </QueryStates>
      <div className="grid gap-6 xl:grid-cols-2">
        <UserOrders userId={userId} minPosition={minPosition} />
        <EventTimeline streamId={streamId.user(userId)} minPosition={minPosition} />
      </div>
    </>
  );
}
