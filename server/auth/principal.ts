export type Role = 'admin' | 'operator' | 'analyst';
export const roles: readonly Role[] = ['admin', 'operator', 'analyst'];

export interface Principal {
  kind: 'staff' | 'token';
  id: string;
  name: string;
  role: Role;
}

/** The `actor` recorded in event metadata. */
export const actorOf = (p: Principal) => `${p.kind}:${p.id}`;
