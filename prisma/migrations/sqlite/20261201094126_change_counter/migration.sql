-- CreateTable
CREATE TABLE "ChangeCounter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" INTEGER NOT NULL DEFAULT 0
);

-- The dashboard's change sequence starts at 0.
INSERT INTO "ChangeCounter" ("name", "value") VALUES ('dashboard', 0);
