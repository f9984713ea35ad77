-- CreateTable
CREATE TABLE "RiskTag" (
    "riskId" INTEGER NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("riskId", "tag"),
    CONSTRAINT "RiskTag_riskId_fkey" FOREIGN KEY ("riskId") REFERENCES "Risk" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Risk" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "severity" TEXT NOT NULL,
    "likelihood" REAL NOT NULL,
    "impact" REAL NOT NULL,
    "score" REAL NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "openedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "ownerId" INTEGER,
    "treatment" TEXT,
    "residualLikelihood" REAL,
    "residualImpact" REAL,
    "residualScore" REAL,
    "nextReviewAt" DATETIME,
    "lastReviewedAt" DATETIME,
    "category" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "externalId" TEXT,
    CONSTRAINT "Risk_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Risk" ("closedAt", "description", "id", "impact", "likelihood", "openedAt", "ownerId", "score", "severity", "status", "title", "updatedAt") SELECT "closedAt", "description", "id", "impact", "likelihood", "openedAt", "ownerId", "score", "severity", "status", "title", "updatedAt" FROM "Risk";
DROP TABLE "Risk";
ALTER TABLE "new_Risk" RENAME TO "Risk";
CREATE UNIQUE INDEX "Risk_externalId_key" ON "Risk"("externalId");
CREATE INDEX "Risk_status_score_idx" ON "Risk"("status", "score");
CREATE INDEX "Risk_status_severity_idx" ON "Risk"("status", "severity");
CREATE INDEX "Risk_updatedAt_idx" ON "Risk"("updatedAt");
CREATE INDEX "Risk_ownerId_status_idx" ON "Risk"("ownerId", "status");
CREATE INDEX "Risk_status_nextReviewAt_idx" ON "Risk"("status", "nextReviewAt");
CREATE INDEX "Risk_category_idx" ON "Risk"("category");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RiskTag_tag_idx" ON "RiskTag"("tag");

