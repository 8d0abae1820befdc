import { money } from '@/lib/client/format';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import type { OrderRow } from './orders-table';

export function OrderLinesTable({ order }: { order: OrderRow }) {
  const cur = order.currency;
  return (
    <Table data-testid="order-lines">
      <TableHeader>
        <TableRow>
          <TableHead>Product</TableHead>
          <TableHead>SKU</TableHead>
          <TableHead className="text-right">Quantity</TableHead>
          <TableHead className="text-right">Unit price</TableHead>
          <TableHead className="text-right">Line total</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {order.lines.map((l) => (
          <TableRow key={l.productId}>
            <TableCell className="font-medium">{l.name}</TableCell>
            <TableCell className="font-mono text-xs">{l.sku}</TableCell>
            <TableCell className="text-right tabular-nums">{l.quantity}</TableCell>
            <TableCell className="text-right tabular-nums">{money(l.unitPriceCents, cur)}</TableCell>
            <TableCell className="text-right tabular-nums">{money(l.unitPriceCents * l.quantity, cur)}</TableCell>
          </TableRow>
        ))}
        <TableRow>
          <TableCell colSpan={4} className="text-right font-medium">
            Total
          </TableCell>
          <TableCell className="text-right font-semibold tabular-nums" data-testid="order-total">
            {money(order.totalCents, cur)}
          </TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
}
