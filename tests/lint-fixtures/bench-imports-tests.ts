// lint-as: bench/lint-fixture.ts
import { deleteKeys } from '@/testkit/cleanup'; // allowed
import { createTestEnv } from '../tests/integration/support/harness'; // boundary
import { UsageError } from '@/cli/command'; // boundary

export const fixture = [deleteKeys, createTestEnv, UsageError];
