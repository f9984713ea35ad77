-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" DATETIME;

-- CreateTable
CREATE TABLE "AuthSignal" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "AuthSignal_at_idx" ON "AuthSignal"("at");

