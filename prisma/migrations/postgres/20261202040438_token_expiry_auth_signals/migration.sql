-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "expiresAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AuthSignal" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" TEXT NOT NULL,

    CONSTRAINT "AuthSignal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuthSignal_at_idx" ON "AuthSignal"("at");

