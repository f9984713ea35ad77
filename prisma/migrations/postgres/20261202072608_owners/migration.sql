-- AlterTable
ALTER TABLE "Mitigation" ADD COLUMN     "ownerId" INTEGER;

-- AlterTable
ALTER TABLE "Risk" ADD COLUMN     "ownerId" INTEGER;

-- CreateIndex
CREATE INDEX "Mitigation_ownerId_status_dueDate_idx" ON "Mitigation"("ownerId", "status", "dueDate");

-- CreateIndex
CREATE INDEX "Risk_ownerId_status_idx" ON "Risk"("ownerId", "status");

-- AddForeignKey
ALTER TABLE "Risk" ADD CONSTRAINT "Risk_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mitigation" ADD CONSTRAINT "Mitigation_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

