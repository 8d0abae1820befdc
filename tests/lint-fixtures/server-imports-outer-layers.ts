// lint-as: server/lint-fixture.ts
import { env } from '@/server/env'; // allowed
import { UsageError } from '@/cli/command'; // boundary
import { createTestEnv } from '@/tests/integration/support/harness'; // boundary
import '@/workers/main'; // boundary
import { deleteKeys } from '../testkit/cleanup'; // allowed

export const fixture = [env, UsageError, createTestEnv, deleteKeys];
