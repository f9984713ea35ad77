// A React app outside Next using the SDK's hooks (bundled by e2e/client-sdk.spec.ts with esbuild
// from packages/client/dist): it prints what the hooks return, for the test to read.
import { createRoot } from "react-dom/client";
import { useDashboardWithWebSocket, useWebSocketStatus } from "@riskpulse/client/react";

function App({ enabled }: { enabled: boolean }) {
  const { data, loading, error, connected, reconnecting, source, refresh } = useDashboardWithWebSocket(enabled);
  const status = useWebSocketStatus();
  return (
    <>
      <pre id="state">
        {JSON.stringify({
          loading,
          error,
          connected,
          reconnecting,
          source,
          total: data?.metrics.total_risks ?? null,
          version: data?.version ?? null,
        })}
      </pre>
      <pre id="status">{JSON.stringify(status)}</pre>
      <button onClick={() => void refresh()}>Refresh</button>
    </>
  );
}

createRoot(document.getElementById("root")!).render(<App enabled={!location.search.includes("poll")} />);
