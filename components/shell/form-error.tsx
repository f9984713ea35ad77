/** A form's or action's error as a whole (the server's message, or "cannot reach the server"). */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <div className="alert-box" role="alert">
      {message}
    </div>
  );
}
