import * as React from 'react';
import { cn } from '@/lib/client/cn';
import { fieldClass } from './input';

/** A styled native select: keyboard, screen reader and mobile pickers work as the platform does. */
export function Select({ className, children, ...props }: React.ComponentProps<'select'>) {
  return (
    <select className={cn(fieldClass, 'pr-8', className)} {...props}>
      {children}
    </select>
  );
}
