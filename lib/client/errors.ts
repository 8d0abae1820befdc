import { TRPCClientError } from '@trpc/client';

/** The tRPC error code of a failed call (UNAUTHORIZED, FORBIDDEN, NOT_FOUND...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string } | undefined;
    return data?.code;
  }
  return undefined;
}

/** A message a person can act on: the first validation issue, or the server's message. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { zodIssues?: { path: (string | number)[]; message: string }[] } | undefined;
    const issue = data?.zodIssues?.[0];
    if (issue) return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

/** Client errors (bad input, missing rights, not found) will not change by retrying. */
export function isPermanent(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PARSE_ERROR'].includes(code);
}
