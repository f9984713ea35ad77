-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_RealtimeChannel" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "floor" TEXT NOT NULL DEFAULT '0-0',
    "cursor" TEXT NOT NULL DEFAULT '0-0',
    "state" TEXT NOT NULL DEFAULT 'null',
    "epoch" TEXT NOT NULL DEFAULT ''
);
INSERT INTO "new_RealtimeChannel" ("cursor", "floor", "name", "state") SELECT "cursor", "floor", "name", "state" FROM "RealtimeChannel";
DROP TABLE "RealtimeChannel";
ALTER TABLE "new_RealtimeChannel" RENAME TO "RealtimeChannel";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

