'use client';

import { createContext, useContext } from 'react';
import type { Role } from '@/server/auth/principal';

export type { Role };
export interface SessionInfo {
  name: string;
  role: Role;
}

const SessionContext = createContext<SessionInfo | null>(null);

/** The signed-in staff member, resolved on the server by the portal layout. */
export function SessionProvider({ value, children }: { value: SessionInfo; children: React.ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionInfo {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession is used outside the portal layout');
  return s;
}

/** Analysts read; admins and operators may also send commands. */
export const useCanCommand = () => useSession().role !== 'analyst';
/** Runner actions (retry a dead letter, rebuild a projection) are for admins only. */
export const useIsAdmin = () => useSession().role === 'admin';
