import 'server-only';
import { router } from './trpc';
import { userCommands } from './routers/users/commands';
import { userQueries } from './routers/users/queries';
import { catalogCommands } from './routers/catalog/commands';
import { catalogQueries } from './routers/catalog/queries';
import { orderCommands } from './routers/orders/commands';
import { orderQueries } from './routers/orders/queries';
import { reportQueries } from './routers/reports';
import { dashboardQueries } from './routers/dashboard';
import { analyticsQueries } from './routers/analytics';
import { opsRouter } from './routers/ops';
import { sessionRouter } from './routers/session';

export const appRouter = router({
  users: router({ ...userCommands, ...userQueries }),
  catalog: router({ ...catalogCommands, ...catalogQueries }),
  orders: router({ ...orderCommands, ...orderQueries }),
  reports: router(reportQueries),
  dashboard: router(dashboardQueries),
  analytics: router(analyticsQueries),
  ops: opsRouter,
  session: sessionRouter,
});

export type AppRouter = typeof appRouter;
