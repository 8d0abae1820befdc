'use client';

import { useCallback, useState } from 'react';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { Button } from '@/components/ui/button';

/**
 * Cursor paging state: the cursors of the pages visited so far. A new `resetKey` (the search or
 * filter the pages belong to) starts again from the first page, in the same render.
 */
export function useCursorPages(resetKey = '') {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({ key: resetKey, stack: [undefined] });
  const stack = state.key === resetKey ? state.stack : [undefined];
  const next = useCallback((c: string) => setState({ key: resetKey, stack: [...stack, c] }), [resetKey, stack]);
  const previous = useCallback(() => setState({ key: resetKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack }), [resetKey, stack]);
  return { cursor: stack[stack.length - 1], page: stack.length, next, previous, hasPrevious: stack.length > 1 };
}

export function CursorPager({
  pages,
  nextCursor,
  busy,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
  busy?: boolean;
}) {
  return (
    <nav aria-label="Pagination" className="flex items-center justify-end gap-2 pt-3">
      <span className="mr-auto text-xs text-muted-foreground">Page {pages.page}</span>
      <Button variant="outline" size="sm" onClick={pages.previous} disabled={!pages.hasPrevious || busy}>
        <ChevronLeft aria-hidden="true" /> Previous
      </Button>
      <Button variant="outline" size="sm" onClick={() => nextCursor && pages.next(nextCursor)} disabled={!nextCursor || busy}>
        Next <ChevronRight aria-hidden="true" />
      </Button>
    </nav>
  );
}
