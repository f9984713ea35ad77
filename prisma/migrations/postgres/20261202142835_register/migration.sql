-- AlterTable
ALTER TABLE "Risk" ADD COLUMN     "category" TEXT,
ADD COLUMN     "externalId" TEXT,
ADD COLUMN     "lastReviewedAt" TIMESTAMP(3),
ADD COLUMN     "nextReviewAt" TIMESTAMP(3),
ADD COLUMN     "residualImpact" DOUBLE PRECISION,
ADD COLUMN     "residualLikelihood" DOUBLE PRECISION,
ADD COLUMN     "residualScore" DOUBLE PRECISION,
ADD COLUMN     "treatment" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "RiskTag" (
    "riskId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "RiskTag_pkey" PRIMARY KEY ("riskId","tag")
);

-- CreateIndex
CREATE INDEX "RiskTag_tag_idx" ON "RiskTag"("tag");

-- CreateIndex
CREATE UNIQUE INDEX "Risk_externalId_key" ON "Risk"("externalId");

-- CreateIndex
CREATE INDEX "Risk_status_nextReviewAt_idx" ON "Risk"("status", "nextReviewAt");

-- CreateIndex
CREATE INDEX "Risk_category_idx" ON "Risk"("category");

-- AddForeignKey
ALTER TABLE "RiskTag" ADD CONSTRAINT "RiskTag_riskId_fkey" FOREIGN KEY ("riskId") REFERENCES "Risk"("id") ON DELETE CASCADE ON UPDATE CASCADE;

