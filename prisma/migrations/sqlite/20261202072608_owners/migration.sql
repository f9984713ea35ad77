-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Mitigation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "riskId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'not_started',
    "completionPercent" INTEGER NOT NULL DEFAULT 0,
    "dueDate" DATETIME NOT NULL,
    "completedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "ownerId" INTEGER,
    CONSTRAINT "Mitigation_riskId_fkey" FOREIGN KEY ("riskId") REFERENCES "Risk" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Mitigation_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Mitigation" ("completedAt", "completionPercent", "createdAt", "dueDate", "id", "riskId", "status", "title", "updatedAt") SELECT "completedAt", "completionPercent", "createdAt", "dueDate", "id", "riskId", "status", "title", "updatedAt" FROM "Mitigation";
DROP TABLE "Mitigation";
ALTER TABLE "new_Mitigation" RENAME TO "Mitigation";
CREATE INDEX "Mitigation_status_dueDate_idx" ON "Mitigation"("status", "dueDate");
CREATE INDEX "Mitigation_riskId_idx" ON "Mitigation"("riskId");
CREATE INDEX "Mitigation_ownerId_status_dueDate_idx" ON "Mitigation"("ownerId", "status", "dueDate");
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
    CONSTRAINT "Risk_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Risk" ("closedAt", "description", "id", "impact", "likelihood", "openedAt", "score", "severity", "status", "title", "updatedAt") SELECT "closedAt", "description", "id", "impact", "likelihood", "openedAt", "score", "severity", "status", "title", "updatedAt" FROM "Risk";
DROP TABLE "Risk";
ALTER TABLE "new_Risk" RENAME TO "Risk";
CREATE INDEX "Risk_status_score_idx" ON "Risk"("status", "score");
CREATE INDEX "Risk_status_severity_idx" ON "Risk"("status", "severity");
CREATE INDEX "Risk_updatedAt_idx" ON "Risk"("updatedAt");
CREATE INDEX "Risk_ownerId_status_idx" ON "Risk"("ownerId", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

