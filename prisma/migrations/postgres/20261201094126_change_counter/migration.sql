-- CreateTable
CREATE TABLE "ChangeCounter" (
    "name" TEXT NOT NULL,
    "value" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ChangeCounter_pkey" PRIMARY KEY ("name")
);

-- The dashboard's change sequence starts at 0.
INSERT INTO "ChangeCounter" ("name", "value") VALUES ('dashboard', 0);
