// lint-as: components/lint-fixture.tsx
import type { Role } from '@/server/auth/principal'; // allowed
import { cn } from '@/lib/client/cn'; // allowed
import { ORDER_LIMITS } from '@/server/domain/contracts'; // allowed
import { services } from '@/server/services'; // boundary
import { requireStaff } from '@/lib/server/current-staff'; // boundary
import { decideOrder } from '@/server/domain/order'; // boundary
import { ORDER_STATUSES } from '@/server/domain/contracts-extra'; // boundary

export const fixture = [cn, services, requireStaff, ORDER_LIMITS, decideOrder, ORDER_STATUSES] as unknown as Role;
