-- DropIndex
DROP INDEX "Risk_status_severity_idx";

-- CreateIndex
CREATE INDEX "Risk_open_figures_idx" ON "Risk"("status", "severity", "treatment", "likelihood", "impact", "residualLikelihood", "residualImpact", "score");

