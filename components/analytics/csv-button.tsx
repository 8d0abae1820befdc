'use client';

import { Download } from 'lucide-react';
import { downloadCsv, toCsv } from '@/lib/client/csv';
import { Button } from '@/components/ui/button';

type Cell = string | number | null | undefined;

/** Downloads exactly the rows a table or chart shows, as CSV. */
export function CsvButton({
  filename,
  header,
  rows,
  label = 'CSV',
  disabled,
}: {
  filename: string;
  header: string[];
  rows: Cell[][];
  label?: string;
  disabled?: boolean;
}) {
  return (
    <Button
      variant="outline"
      size="sm"
      disabled={disabled}
      onClick={() => downloadCsv(filename, toCsv(header, rows))}
      aria-label={`Download ${filename}`}
    >
      <Download aria-hidden="true" /> {label}
    </Button>
  );
}
