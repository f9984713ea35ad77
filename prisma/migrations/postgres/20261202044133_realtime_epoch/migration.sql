-- AlterTable
ALTER TABLE "RealtimeChannel" ADD COLUMN     "epoch" TEXT NOT NULL DEFAULT '';

