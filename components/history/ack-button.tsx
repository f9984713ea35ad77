"use client";
import { useRouter } from "next/navigation";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";

export function AckButton({ id }: { id: number }) {
  const router = useRouter();
  const action = useApiAction();
  return (
    <>
      <button
        className="secondary"
        disabled={action.busy}
        onClick={async () => {
          if ((await action.run(() => api("POST", `/api/v1/alerts/${id}/ack`))).ok) router.refresh();
        }}
      >
        Acknowledge
      </button>
      {action.error && (
        <span className="field-error" role="alert">
          {action.error}
        </span>
      )}
    </>
  );
}
