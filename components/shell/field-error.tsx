/** A field's validation message, announced to screen readers. */
export function FieldErrorText({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error" role="alert">
      {message}
    </span>
  );
}
