-- CreateTable
CREATE TABLE "AlertRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "userId" INTEGER,
    "threshold" REAL NOT NULL,
    "minutes" INTEGER NOT NULL DEFAULT 0,
    "resource" TEXT,
    "cooldownMinutes" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AlertRule_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AlertCooldown" (
    "ruleId" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "until" DATETIME NOT NULL,

    PRIMARY KEY ("ruleId", "subject"),
    CONSTRAINT "AlertCooldown_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Alert" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" INTEGER,
    "ruleId" INTEGER,
    "alertType" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "ruleKey" TEXT NOT NULL,
    "windowKey" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "violationCount" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledgedAt" DATETIME,
    "acknowledgedById" INTEGER,
    CONSTRAINT "Alert_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Alert_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "AlertRule" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Alert_acknowledgedById_fkey" FOREIGN KEY ("acknowledgedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Alert" ("acknowledgedAt", "acknowledgedById", "alertType", "createdAt", "id", "message", "ruleKey", "severity", "userId", "violationCount", "windowKey") SELECT "acknowledgedAt", "acknowledgedById", "alertType", "createdAt", "id", "message", "ruleKey", "severity", "userId", "violationCount", "windowKey" FROM "Alert";
DROP TABLE "Alert";
ALTER TABLE "new_Alert" RENAME TO "Alert";
CREATE INDEX "Alert_createdAt_idx" ON "Alert"("createdAt");
CREATE INDEX "Alert_acknowledgedAt_idx" ON "Alert"("acknowledgedAt");
CREATE UNIQUE INDEX "Alert_userId_ruleKey_windowKey_key" ON "Alert"("userId", "ruleKey", "windowKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AlertRule_kind_enabled_idx" ON "AlertRule"("kind", "enabled");

