-- job_event: what a job's handler reported as it ran (a training run's worker events), in order,
-- so that a page or a CLI follows a job from the database alone, across web-server restarts.
-- seq counts up across a job's attempts. Rows go with their job.
CREATE TABLE "job_event" (
    "job_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "event" JSONB NOT NULL,

    CONSTRAINT "job_event_pkey" PRIMARY KEY ("job_id","seq"),
    CONSTRAINT "job_event_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "job"("id") ON DELETE CASCADE
);

-- The detail of a failed job's error (a training worker's traceback), beside its one-line message.
ALTER TABLE "job" ADD COLUMN "error_detail" TEXT;

-- job_worker: the worker processes alive now, each beating its row even when idle, so that
-- studio train --wait can tell whether some worker will take its job or it must run one.
CREATE TABLE "job_worker" (
    "id" TEXT NOT NULL,
    "heavy_slots" INTEGER NOT NULL,
    "light_slots" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_worker_pkey" PRIMARY KEY ("id")
);
