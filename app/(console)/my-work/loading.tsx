// Shown while My work's first render reads its lists.
export default function MyWorkLoading() {
  return (
    <>
      <h1>My work</h1>
      <p className="muted" role="status">
        Loading your risks, mitigations, reviews and requests…
      </p>
      <div className="skeleton" aria-hidden="true" style={{ height: 160 }} />
    </>
  );
}
