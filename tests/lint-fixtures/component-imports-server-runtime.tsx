// lint-as: components/lint-fixture.tsx
import type { Role } from '@/server/auth/principal'; // allowed
import { cn } from '@/lib/client/cn'; // allowed
import { services } from '@/server/services'; // boundary
import { requireStaff } from '@/lib/server/current-staff'; // boundary

export const fixture = [cn, services, requireStaff] as unknown as Role;
