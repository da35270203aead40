// What a view says when a call fails, and when this pushsim has no route for it yet (an older server).
import { ApiError } from '../api.js';

export function NotAvailable({ what }: { what: string }) {
  return (
    <p class="note" role="status">
      {what} is not available on this server (its route answers 404); update pushsim to use it.
    </p>
  );
}

export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  if (error === undefined) return null;
  if (error instanceof ApiError && error.isRouteMissing && what) return <NotAvailable what={what} />;
  const message = error instanceof Error ? error.message : String(error);
  const field = error instanceof ApiError && error.field ? ` (field: ${error.field})` : '';
  const code = error instanceof ApiError ? `${error.code}: ` : '';
  return (
    <p class="error" role="alert">
      {code}
      {message}
      {field}
    </p>
  );
}

export function isRouteMissing(error: unknown): boolean {
  return error instanceof ApiError && error.isRouteMissing;
}
